package io.replicarouter.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DriverLogMaskingTests {

	@Test
	void urlsTheDriverLogsHaveTheirPasswordsMasked() {
		DriverLogMasking.install();
		DriverLogMasking.install();
		Logger logger = Logger.getLogger("org.postgresql.Driver");
		Level level = logger.getLevel();
		List<String> logged = new ArrayList<>();
		Handler handler = new Handler() {

			@Override
			public void publish(LogRecord record) {
				logged.add(new java.util.logging.SimpleFormatter().formatMessage(record));
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		logger.addHandler(handler);
		logger.setLevel(Level.FINE);
		try {
			logger.log(Level.FINE, "Connecting with URL: {0}",
					"jdbc:postgresql://h/db?password=p4ss&sslpassword=k3y&ssl=true");
			logger.log(Level.FINE, "plain jdbc:postgresql://u:s3cret@h/db");
		}
		finally {
			logger.removeHandler(handler);
			logger.setLevel(level);
		}
		assertThat(logged).containsExactly(
				"Connecting with URL: jdbc:postgresql://h/db?password=******&sslpassword=******&ssl=true",
				"plain jdbc:postgresql://u:******@h/db");
	}

}
