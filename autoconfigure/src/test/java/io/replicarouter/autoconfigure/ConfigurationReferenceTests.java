package io.replicarouter.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration reference and the configuration metadata IDEs complete from
 * must list the same keys, so the documentation cannot drift from the code.
 */
class ConfigurationReferenceTests {

	private static final Pattern README_KEY = Pattern.compile("^\\| `(replica-router\\.[^`]+)` \\|", Pattern.MULTILINE);

	@Test
	void readmeDocumentsEveryConfigurationKeyAndNoOther() throws IOException {
		Set<String> documented = documentedKeys();
		Set<String> metadata = metadataKeys();
		assertThat(documented).as("keys in the README's configuration reference")
			.containsExactlyInAnyOrderElementsOf(metadata);
	}

	@Test
	void everyKeyHasADescriptionInTheMetadata() throws IOException {
		List<String> undescribed = JsonPath.parse(metadata())
			.read("$.properties[?(@.name =~ /replica-router\\..*/ && !@.description)].name");
		assertThat(undescribed).isEmpty();
	}

	/**
	 * Keys outside {@code replica-router.*} that the auto-configurations read: each health
	 * indicator's {@code management.health.<name>.enabled} and the names of boolean and
	 * property conditions. Each has metadata with a description, a type and a default, the
	 * starter's own (for its health indicators) or Boot's (for Boot's keys it honours).
	 */
	@Test
	void everyKeyReadOutsideTheStartersPrefixIsDescribed() throws IOException {
		Set<String> keys = new TreeSet<>();
		for (String name : autoConfigurations()) {
			collectForeignKeys(ClassUtils.resolveClassName(name, getClass().getClassLoader()), keys);
		}
		assertThat(keys).contains("management.health.replication.enabled", "management.health.routing.enabled",
				"management.health.connection-pools.enabled");
		List<Map<String, Object>> described = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream input = url.openStream()) {
				described.addAll(JsonPath.parse(input).read("$.properties[*]"));
			}
		}
		for (String key : keys) {
			assertThat(described).as(key)
				.anySatisfy((property) -> assertThat(property).containsEntry("name", key)
					.containsKeys("description", "type", "defaultValue"));
		}
	}

	private static List<String> autoConfigurations() throws IOException {
		String imports = new String(ConfigurationReferenceTests.class
			.getResourceAsStream("/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		return imports.lines().map(String::strip).filter((line) -> !line.isEmpty() && !line.startsWith("#")).toList();
	}

	private static void collectForeignKeys(Class<?> type, Set<String> keys) {
		collectForeignKeys((AnnotatedElement) type, keys);
		for (Method method : type.getDeclaredMethods()) {
			collectForeignKeys(method, keys);
		}
		for (Class<?> nested : type.getDeclaredClasses()) {
			collectForeignKeys(nested, keys);
		}
	}

	private static void collectForeignKeys(AnnotatedElement element, Set<String> keys) {
		MergedAnnotations annotations = MergedAnnotations.from(element);
		annotations.stream(ConditionalOnEnabledHealthIndicator.class)
			.forEach((indicator) -> keys.add("management.health." + indicator.getString("value") + ".enabled"));
		annotations.stream(ConditionalOnBooleanProperty.class)
			.forEach((condition) -> addForeign(condition, keys));
		annotations.stream(ConditionalOnProperty.class).forEach((condition) -> addForeign(condition, keys));
	}

	private static void addForeign(MergedAnnotation<?> condition, Set<String> keys) {
		String prefix = condition.getString("prefix");
		for (String name : condition.getStringArray("name")) {
			String key = prefix.isEmpty() ? name : prefix + "." + name;
			if (!key.startsWith("replica-router.")) {
				keys.add(key);
			}
		}
	}

	private static Set<String> documentedKeys() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		Set<String> keys = new TreeSet<>();
		Matcher matcher = README_KEY.matcher(readme);
		while (matcher.find()) {
			keys.add(matcher.group(1));
		}
		return keys;
	}

	/**
	 * The metadata's keys, with the fields of list and map elements (which the processor
	 * does not expand) written as the README writes them: {@code replicas[i].url},
	 * {@code caches.<name>.ttl}, {@code replicas[i].hikari.*}.
	 */
	private static Set<String> metadataKeys() throws IOException {
		List<String> names = JsonPath.parse(metadata()).read("$.properties[*].name");
		Set<String> keys = new TreeSet<>();
		for (String name : names) {
			if (!name.startsWith("replica-router.")) {
				continue;
			}
			if (name.equals("replica-router.replicas")) {
				keys.addAll(elementKeys(name + "[i]", ReplicaRouterProperties.Replica.class));
			}
			else if (name.equals("replica-router.groups")) {
				keys.addAll(elementKeys(name + ".<name>", ReplicaRouterProperties.Group.class));
			}
			else if (name.equals("replica-router.cache.caches")) {
				keys.addAll(elementKeys(name + ".<name>", ReplicaRouterCacheProperties.CacheSpec.class));
			}
			else {
				keys.add(name);
			}
		}
		return keys;
	}

	private static List<String> elementKeys(String prefix, Class<?> type) {
		List<String> keys = new ArrayList<>();
		for (Field field : type.getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers())) {
				continue;
			}
			String key = prefix + "." + field.getName().replaceAll("([A-Z])", "-$1").toLowerCase();
			if (field.getType().getEnclosingClass() == ReplicaRouterProperties.class) {
				// A nested group of the element, such as replicas[i].timeouts: its own keys.
				keys.addAll(elementKeys(key, field.getType()));
			}
			else {
				keys.add(field.getType() == java.util.Map.class ? key + ".*" : key);
			}
		}
		return keys;
	}

	private static String metadata() throws IOException {
		try (InputStream input = ConfigurationReferenceTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			return new String(input.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
	}

}
