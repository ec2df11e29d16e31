package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.Subscription;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.RecordingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three engines on one real Redis: writers on A and B, a subscriber on C that must see every event
 * of the group exactly once, gap-free, in seq order, and never be re-synchronized.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // subscriptions are held open by try-with-resources
class RedisCrossInstanceOrderTest {
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();
  private StreamEngine a;
  private StreamEngine b;
  private StreamEngine c;

  @BeforeEach
  void engines() {
    a = redis.engine();
    b = redis.engine();
    c = redis.engine();
  }

  /** A job per thread: {@code ops} operations of {@code op(thread, i)}. */
  @FunctionalInterface
  interface Op {
    void run(int thread, int i);
  }

  static void hammer(int threads, int ops, Op op) throws Exception {
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
  }

  static JsonNode ping(int thread, int i) {
    ObjectNode node = RedisFanOutTest.MAPPER.createObjectNode();
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

  /** A sink that counts a concurrent or out-of-order commit report and records the seqs. */
  static final class OrderChecker implements EventSink {
    final AtomicBoolean inside = new AtomicBoolean();
    final List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger violations = new AtomicInteger();
    volatile long last;

    @Override
    public void committed(Event event) {
      if (!inside.compareAndSet(false, true)) {
        violations.incrementAndGet();
      }
      if (event.seq() <= last) {
        violations.incrementAndGet();
      }
      last = event.seq();
      seqs.add(event.seq());
      Thread.yield(); // widen the window for a concurrent call
      inside.set(false);
    }

    @Override
    public void event(Event event) {}

    @Override
    public void lost(GroupKey group) {}
  }

  @Test
  void oneGroupHammeredFromSixteenThreadsOnTwoInstancesKeepsListenersOrdered() throws Exception {
    GroupKey g = new GroupKey("s", "hot");
    try (StorageAdapter x = redis.adapter();
        StorageAdapter y = redis.adapter()) {
      OrderChecker onX = new OrderChecker();
      OrderChecker onY = new OrderChecker();
      x.start(onX);
      y.start(onY);
      List<Change> returned = Collections.synchronizedList(new ArrayList<>());
      int ops = 60;
      hammer(
          16,
          ops,
          (t, i) -> {
            StorageAdapter adapter = t % 2 == 0 ? x : y;
            String item = "i" + (i % 4);
            Change change =
                switch (i % 4) {
                  case 0, 1 -> adapter.set(g, item, IntNode.valueOf(i));
                  case 2 ->
                      adapter.update(
                          g, "counter", old -> IntNode.valueOf(old == null ? 1 : old.asInt() + 1));
                  default -> adapter.send(g, null, new Notice(Event.Kind.EVENT, "e", ping(t, i)));
                };
            returned.add(change);
          });
      long total = 16L * ops;
      assertThat(onX.violations.get() + onY.violations.get()).as("violations").isZero();
      List<Long> all = new ArrayList<>(onX.seqs);
      all.addAll(onY.seqs);
      Collections.sort(all);
      assertThat(all).isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
      assertThat(returned).extracting(Change::seq).doesNotContain(0L).hasSize((int) total);
      assertThat(x.get(g, "counter").asInt()).isEqualTo(16 * ops / 4);
      assertThat(y.snapshot(g).seq()).isEqualTo(total);
    }
  }

  @Test
  void aSlowUpdateDoesNotHoldBackOtherWritesOfItsGroup() throws Exception {
    GroupKey g = new GroupKey("s", "g");
    CountDownLatch inUpdater = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StorageAdapter x = redis.adapter()) {
      RecordingSink record = new RecordingSink();
      x.start(record);
      Future<Change> slow =
          pool.submit(
              () ->
                  x.update(
                      g,
                      "slow",
                      old -> {
                        inUpdater.countDown();
                        try {
                          release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return IntNode.valueOf(1);
                      }));
      assertThat(inUpdater.await(10, TimeUnit.SECONDS)).isTrue();
      // with a group-wide lock held across the update, this would wait for release
      assertThat(x.set(g, "other", IntNode.valueOf(2)).seq()).isEqualTo(1);
      assertThat(slow.isDone()).isFalse();
      release.countDown();
      assertThat(slow.get(10, TimeUnit.SECONDS).seq()).isEqualTo(2);
      assertThat(record.committedSeqs()).containsExactly(1L, 2L);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
