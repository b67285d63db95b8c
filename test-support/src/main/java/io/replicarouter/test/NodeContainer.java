package io.replicarouter.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The container of one node of a {@link ContainerReplicationCluster}: a {@link GenericContainer} that also
 * remembers what the cluster configured on it, so that the configuration can be checked without Docker.
 */
final class NodeContainer extends GenericContainer<NodeContainer> {

	private final Map<String, String> copiedFiles = new LinkedHashMap<>();

	private final DockerImageName imageName;

	private @Nullable String user;

	NodeContainer(DockerImageName image) {
		super(image);
		this.imageName = image;
	}

	/** The image, as configured ({@code getDockerImageName()} would resolve it, which needs Docker). */
	DockerImageName imageName() {
		return this.imageName;
	}

	/** Copies text into the container before it starts, and remembers it. */
	NodeContainer withCopiedText(String content, int mode, String path) {
		this.copiedFiles.put(path, content);
		return withCopyToContainer(Transferable.of(content, mode), path);
	}

	/** Runs the container's process as another user than the image's. */
	NodeContainer runAs(String user) {
		this.user = user;
		return withCreateContainerCmdModifier((command) -> command.withUser(user));
	}

	/** The text files copied into the container, by path. */
	Map<String, String> copiedFiles() {
		return Collections.unmodifiableMap(this.copiedFiles);
	}

	/** The user set by {@link #runAs(String)}, or {@code null} for the image's. */
	@Nullable String user() {
		return this.user;
	}

	/** The wait strategy that {@code start()} uses. */
	WaitStrategy waitStrategy() {
		return getWaitStrategy();
	}

	@Override
	public boolean equals(Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

}
