package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rivulet.StreamEngine;
import dev.rivulet.Subscription;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core adapter contract on a real 3-node Redis Cluster, plus cross-instance fan-out over
 * sharded pub/sub with groups spread over the nodes.
 */
@SuppressWarnings("try") // engines are held open by try-with-resources
class RedisClusterContractIT extends StorageAdapterContract {
  private static RedisClusterProcess cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterProcess.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected StorageAdapter createAdapter() {
    cluster.flushAll();
    return RedisAdapter.builder().cluster(cluster.seeds()).build();
  }

  private static StreamEngine engine() {
    return StreamEngine.builder()
        .storage(RedisAdapter.builder().cluster(cluster.seeds()).build())
        .build();
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
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          StreamEngine engine = t % 2 == 0 ? a : b;
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 25; i++) {
                      engine.invoke(
                          "stream::update", RedisFanOutTest.incrementInput("s", "c", "n"));
                    }
                  }));
        }
        for (Future<?> f : futures) {
          f.get(90, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(b.get("s", "c", "n").get("n").asLong()).isEqualTo(400);
    }
  }
}
