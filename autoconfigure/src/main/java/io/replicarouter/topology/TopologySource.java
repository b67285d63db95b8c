package io.replicarouter.topology;

/**
 * Where the router learns which nodes exist and which one takes the writes. The router's
 * own probes still decide which replicas serve reads: a source only adds and retires
 * nodes.
 */
public interface TopologySource {

	/**
	 * Describe the source now, for health and the {@code replication} endpoint. Answers
	 * from cached state: no I/O.
	 * @return the status
	 */
	TopologyStatus status();

}
