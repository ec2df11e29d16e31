package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rivulet.JoinRequest;
import dev.rivulet.Presence;
import dev.rivulet.StreamEngine;
import dev.rivulet.Subscription;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The core adapter contract on a real 3-node Redis Cluster, plus cross-instance fan-out over
 * sharded pub/sub with groups spread over the nodes.
 */
@SuppressWarnings("try") // engines are held open by try-with-resources
class RedisClusterContractIT extends StorageAdapterContract {
  @RegisterExtension static final RedisExtension cluster = RedisExtension.clusterPerClass();

  @Override
  protected StorageAdapter createAdapter() {
    return cluster.adapter(); // on nodes emptied before each test
  }

  private static StreamEngine engine() {
    return cluster.engine();
  }

  @Test
  void subscribersOnAnotherInstanceSeeEveryGroupInOrderAcrossNodes() throws Exception {
    try (StreamEngine a = engine();
        StreamEngine b = engine()) {
      List<Recorder> recorders = new ArrayList<>();
      List<Subscription> subs = new ArrayList<>();
      for (int g = 0; g < 6; g++) {
        Recorder r = new Recorder();
        subs.add(b.subscribe("s", "g" + g, null, r));
        assertThat(r.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
        recorders.add(r);
      }
      for (int i = 0; i < 60; i++) {
        String group = "g" + (i % 6);
        a.set("s", group, "i" + (i % 4), RedisFanOutTest.item("i" + (i % 4), i));
        if (i % 5 == 0) {
          a.invoke("stream::update", RedisFanOutTest.incrementInput("s", group, "i0"));
        }
      }
      for (int g = 0; g < 6; g++) {
        Recorder r = recorders.get(g);
        long last = a.snapshot("s", "g" + g, null).seq();
        await().atMost(Duration.ofSeconds(20)).until(() -> r.lastSeq == last);
        assertThat(r.seqs()).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        assertThat(r.view()).isEqualTo(a.snapshot("s", "g" + g, null).items());
      }
      subs.forEach(Subscription::close);
      assertThat(a.listGroups("s")).containsExactly("g0", "g1", "g2", "g3", "g4", "g5");
    }
  }

  @Test
  void incrementsFromTwoInstancesEndExactOnCluster() throws Exception {
    try (StreamEngine a = engine();
        StreamEngine b = engine()) {
      RedisCrossInstanceOrderTest.hammer(
          16,
          25,
          (t, i) ->
              (t % 2 == 0 ? a : b)
                  .invoke("stream::update", RedisFanOutTest.incrementInput("s", "c", "n")));
      assertThat(b.get("s", "c", "n").get("n").asLong()).isEqualTo(400);
    }
  }

  @Test
  void presenceIsSharedAcrossInstancesForGroupsOnEveryNode() throws Exception {
    try (StreamEngine a = cluster.engine(b -> b.presenceTtl(Duration.ofMillis(900)));
        StreamEngine b = engine()) {
      List<Presence.Registration> registrations = new ArrayList<>();
      for (int g = 0; g < 6; g++) {
        registrations.add(a.present(new JoinRequest("a" + g, "s", "g" + g, null, null)));
        registrations.add(b.present(new JoinRequest("b" + g, "s", "g" + g, "i", null)));
      }
      for (int g = 0; g < 6; g++) {
        assertThat(a.stream("s").group("g" + g).presence())
            .extracting(Presence::subscriptionId)
            .containsExactlyInAnyOrder("a" + g, "b" + g);
      }
      registrations.get(1).close(); // b0
      assertThat(a.stream("s").group("g0").presence())
          .extracting(Presence::subscriptionId)
          .containsExactly("a0");
      cluster.flushAll(); // lost: a's refresh (every 300 ms) puts its entries back on every node
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  b.stream("s").group("g5").presence().stream()
                      .map(Presence::subscriptionId)
                      .toList()
                      .contains("a5"));
    }
  }
}
