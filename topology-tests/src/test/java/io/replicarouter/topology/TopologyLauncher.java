package io.replicarouter.topology;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Brings the topology up for people to try, as {@code deploy/local/topology.sh up} does:
 * prints what runs where, then keeps it running until the process is interrupted (Ctrl-C or
 * SIGTERM), which stops everything.
 */
public final class TopologyLauncher {

	private TopologyLauncher() {
	}

	/**
	 * Start the topology.
	 * @param args {@code <deploy/examples directory> <sample-app jar>}
	 * @throws InterruptedException never in practice: the JVM exits on a signal
	 */
	public static void main(String[] args) throws InterruptedException {
		if (args.length != 2) {
			System.err.println("Usage: TopologyLauncher <deploy/examples directory> <sample-app jar>");
			System.exit(2);
		}
		if (!Topology.missingPrograms().isEmpty()) {
			System.err.println("Not installed: " + Topology.missingPrograms() + " (apt-get install nginx pgbouncer)");
			System.exit(1);
		}
		Topology topology = Topology.start(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath(),
				Map.of());
		System.out.println();
		System.out.println("replica-router topology is up:");
		topology.describe().forEach(System.out::println);
		System.out.println();
		System.out.println("Try:");
		String url = topology.nginx().url();
		System.out.println("  curl -i " + url + "/products/1                 # X-Upstream: which instance answered");
		System.out.println("  curl -i -c jar -b jar -X PUT " + url
				+ "/profiles/1 -H 'Content-Type: application/json' -d '{\"displayName\":\"Ada\"}'");
		System.out.println("  curl -i -c jar -b jar " + url + "/profiles/1   # the other instance reads your write");
		System.out.println("  curl " + topology.apps().get(0).url() + "/actuator/replication");
		System.out.println("  psql -h 127.0.0.1 -p " + topology.bouncers().get(0).port() + " -U " + Topology.STATS_USER
				+ " pgbouncer -c 'show pools'   # password: " + topology.directory().resolve("pgbouncer-primary/userlist.txt"));
		System.out.println();
		System.out.println("Ctrl-C (or deploy/local/topology.sh down) stops everything.");
		new CountDownLatch(1).await();
	}

}
