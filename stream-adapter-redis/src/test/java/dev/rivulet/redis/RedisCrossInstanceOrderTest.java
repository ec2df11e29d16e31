package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Three engines on one real Redis: writers on A and B, a subscriber on C that must see every event
 * of the group exactly once, gap-free, in seq order, and never be re-synchronized.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // subscriptions are held open by try-with-resources
class RedisCrossInstanceOrderTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static RedisServerProcess server;
  private StreamEngine a;
  private StreamEngine b;
  private StreamEngine c;

  @BeforeAll
  static void startRedis() {
    server = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void engines() {
    try (Jedis jedis = server.jedis()) {
      jedis.flushAll();
    }
    a = RedisFanOutTest.engine(server.url());
    b = RedisFanOutTest.engine(server.url());
    c = RedisFanOutTest.engine(server.url());
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    c.close();
  }

  /** A job per thread: {@code ops} operations of {@code op(thread, i)}. */
  @FunctionalInterface
  interface Op {
    void run(int thread, int i);
  }

  static void hammer(List<StreamEngine> engines, int threads, int ops, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < ops; i++) {
                    op.run(thread, i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(engines).isNotEmpty();
  }

  static JsonNode ping(int thread, int i) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("t", thread);
    node.put("i", i);
    return node;
  }

  @Test
  void sendsAndSetsFromTwoInstancesReachAThirdExactlyOnceInSeqOrder() throws Exception {
    Recorder seen = new Recorder();
    try (Subscription sub = c.subscribe("s", "g", null, seen)) {
      assertThat(seen.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      Set<JsonNode> sent = ConcurrentHashMap.newKeySet();
      int ops = 120;
      hammer(
          List.of(a, b),
          6,
          ops,
          (t, i) -> {
            if (t < 4) { // engine A: interleaved set and send
              if (i % 2 == 0) {
                a.set("s", "g", "a" + t + "-" + (i % 5), RedisFanOutTest.item("a", i));
              } else {
                JsonNode data = ping(t, i);
                sent.add(data);
                a.send("s", "g", "ping", data, null);
              }
            } else { // engine B: sets of the same group
              b.set("s", "g", "b" + t + "-" + (i % 5), RedisFanOutTest.item("b", i));
            }
          });
      long last = a.snapshot("s", "g", null).seq();
      assertThat(last).isEqualTo(6L * ops);
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.lastSeq == last);
      assertThat(seen.resynced()).as("re-synchronized").isFalse();
      assertThat(seen.seqs()).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
      List<JsonNode> received = new ArrayList<>();
      synchronized (seen) {
        seen.events.stream()
            .filter(e -> e.kind() == StreamEvent.Kind.EVENT)
            .forEach(e -> received.add(e.data()));
      }
      assertThat(received).hasSize(sent.size());
      assertThat(new HashSet<>(received)).isEqualTo(sent);
      assertThat(seen.view()).isEqualTo(c.snapshot("s", "g", null).items());
    }
  }
}
