package io.replicarouter.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings of the node pools: replicas inherit the primary URL's {@code ssl*}
 * parameters, and a connection to another machine without at least
 * {@code sslmode=require} is reported at startup.
 */
public final class TransportSecurity {

	private static final Log logger = LogFactory.getLog(TransportSecurity.class);

	private static final Set<String> ENCRYPTED_MODES = Set.of("require", "verify-ca", "verify-full");

	private static final String DATA_SOURCE_PROPERTIES = "data-source-properties.";

	private TransportSecurity() {
	}

	/**
	 * Return the replica's URL with every {@code ssl*} parameter of the primary's URL
	 * (sslmode, sslrootcert, sslcert, sslkey, sslpassword, sslfactory, ...) that the
	 * replica sets neither in its URL nor in its own {@code hikari.data-source-properties}.
	 * Replicas are almost always reached the same way as their primary, so one TLS
	 * configuration covers every pool; a replica overrides a parameter by setting it.
	 * @param primaryUrl the primary's URL
	 * @param replicaUrl the replica's URL
	 * @param replicaHikari the replica's own {@code hikari.*} settings
	 * @return the replica's URL with the inherited parameters appended
	 */
	public static String inheritSslParameters(String primaryUrl, String replicaUrl, Map<String, String> replicaHikari) {
		Map<String, String> own = JdbcUrls.parameters(replicaUrl);
		Set<String> ownProperties = replicaHikari.keySet()
			.stream()
			.map((key) -> key.toLowerCase(Locale.ROOT).replace("datasourceproperties.", DATA_SOURCE_PROPERTIES))
			.filter((key) -> key.startsWith(DATA_SOURCE_PROPERTIES))
			.map((key) -> key.substring(DATA_SOURCE_PROPERTIES.length()))
			.collect(Collectors.toSet());
		String inherited = JdbcUrls.parameters(primaryUrl)
			.entrySet()
			.stream()
			.filter((parameter) -> parameter.getKey().startsWith("ssl"))
			.filter((parameter) -> !own.containsKey(parameter.getKey()) && !ownProperties.contains(parameter.getKey()))
			.map(Map.Entry::getValue)
			.collect(Collectors.joining("&"));
		if (inherited.isEmpty()) {
			return replicaUrl;
		}
		return replicaUrl + ((replicaUrl.indexOf('?') >= 0) ? "&" : "?") + inherited;
	}

	/**
	 * Log a warning when a node on another machine is reached with an {@code sslmode}
	 * weaker than {@code require}: its traffic, and a cleartext or MD5 password exchange,
	 * may then travel unencrypted, or to an impostor.
	 * @param property the property that holds the node's URL
	 * @param url the node's effective URL
	 * @param dataSourceProperties the driver properties of its pool
	 * @return whether a warning was logged
	 */
	public static boolean warnIfWeak(String property, String url, Properties dataSourceProperties) {
		List<String> remote = JdbcUrls.hosts(url).stream().filter((host) -> !JdbcUrls.isLocalHost(host)).toList();
		Map<String, String> parameters = JdbcUrls.parameters(url);
		String socketFactory = value(parameters, dataSourceProperties, "socketfactory");
		if (remote.isEmpty() || (socketFactory != null && socketFactory.toLowerCase(Locale.ROOT).contains("unix"))) {
			return false;
		}
		String mode = sslMode(parameters, dataSourceProperties);
		if (mode != null && ENCRYPTED_MODES.contains(mode)) {
			return false;
		}
		logger.warn(property + " connects to " + String.join(", ", remote) + " with "
				+ ((mode != null) ? "sslmode=" + mode : "no sslmode (the driver's default, prefer)")
				+ ", so its traffic may travel unencrypted or to an impostor. Add sslmode=verify-full and "
				+ "sslrootcert=<CA file> to " + property + " (replicas inherit the primary URL's ssl* parameters), "
				+ "or at least sslmode=require.");
		return true;
	}

	private static @Nullable String sslMode(Map<String, String> parameters, Properties dataSourceProperties) {
		String mode = value(parameters, dataSourceProperties, "sslmode");
		if (mode != null) {
			return mode.toLowerCase(Locale.ROOT);
		}
		String ssl = value(parameters, dataSourceProperties, "ssl");
		// pgjdbc: ssl=true (or a bare 'ssl') without sslmode means verify-full.
		if (ssl != null && !ssl.equalsIgnoreCase("false")) {
			return "verify-full";
		}
		return null;
	}

	private static @Nullable String value(Map<String, String> parameters, Properties dataSourceProperties,
			String name) {
		String pair = parameters.get(name);
		if (pair != null) {
			int equals = pair.indexOf('=');
			return (equals < 0) ? "" : pair.substring(equals + 1);
		}
		for (String key : dataSourceProperties.stringPropertyNames()) {
			if (key.equalsIgnoreCase(name)) {
				return dataSourceProperties.getProperty(key);
			}
		}
		return null;
	}

}
