package io.replicarouter.sample.orders;

import java.time.Duration;

import io.replicarouter.test.ReplicationCluster;
import io.replicarouter.test.ReplicationNode;
import io.replicarouter.test.WithReplicationCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's example test for users of replica-router-test, as it stands there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "spring.cache.type=none")
@WithReplicationCluster(replicas = 2)
class OrderServiceIT {

	@Autowired
	ReplicationCluster cluster;

	@Autowired
	OrderService orders;

	@Test
	void readsTheOrderItJustPlacedWhileReplicasLag() {
		this.cluster.replica(0).setReplayDelay(Duration.ofSeconds(2));
		this.cluster.replica(1).setReplayDelay(Duration.ofSeconds(2));
		try {
			long id = this.orders.place(1, 2, 1).orElseThrow();
			assertThat(this.orders.recent(1, 1)).extracting(Order::id).containsExactly(id);
		}
		finally {
			this.cluster.replicas().forEach(ReplicationNode::clearReplayDelay);
		}
	}

}
