package io.replicarouter.jdbc;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;

/**
 * Masks the credentials that PostgreSQL's driver writes to its log. At DEBUG (FINE) its
 * {@code org.postgresql.Driver} logger prints every URL it connects with, including
 * {@code password} and {@code sslpassword} parameters; this filter replaces them with
 * {@code ******} before any handler sees the record. Other records pass unchanged.
 */
public final class DriverLogMasking {

	private static final String DRIVER_LOGGER = "org.postgresql.Driver";

	// java.util.logging keeps loggers weakly: hold the one that carries the filter.
	private static @Nullable Logger driverLogger;

	private DriverLogMasking() {
	}

	/**
	 * Install the masking filter on the driver's logger, once; a filter already there still
	 * decides whether a record is logged.
	 */
	public static synchronized void install() {
		Logger logger = Logger.getLogger(DRIVER_LOGGER);
		if (!(logger.getFilter() instanceof MaskingFilter)) {
			logger.setFilter(new MaskingFilter(logger.getFilter()));
		}
		driverLogger = logger;
	}

	private static final class MaskingFilter implements Filter {

		private final @Nullable Filter next;

		private MaskingFilter(@Nullable Filter next) {
			this.next = next;
		}

		@Override
		public boolean isLoggable(LogRecord record) {
			Object[] parameters = record.getParameters();
			if (parameters != null) {
				Object[] masked = parameters.clone();
				for (int i = 0; i < masked.length; i++) {
					if (masked[i] instanceof String text) {
						masked[i] = JdbcUrls.mask(text);
					}
				}
				record.setParameters(masked);
			}
			if (record.getMessage() != null) {
				record.setMessage(JdbcUrls.mask(record.getMessage()));
			}
			return this.next == null || this.next.isLoggable(record);
		}

	}

}
