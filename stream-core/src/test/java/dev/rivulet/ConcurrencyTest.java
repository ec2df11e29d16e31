package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Eight threads hammering one item while subscribers watch (issue 2, item 8). */
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = Boolean.getBoolean("rivulet.stress") ? 20_000 : 1_000;

  private final StreamEngine engine = StreamEngine.builder().build();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void close() {
    pool.shutdownNow();
    engine.close();
  }

  private interface Work {
    void run(int thread, int i) throws Exception;
  }

  private void hammer(Work work) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < PER_THREAD; i++) {
                  work.run(thread, i);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
  }

  @Test
  void concurrentIncrementsEndAtTheExactTotal() throws Exception {
    RecordingListener watcher = new RecordingListener();
    engine.subscribe("s", "g", null, watcher);
    hammer((t, i) -> engine.update("s", "g", "n", List.of(UpdateOp.increment("count", 3))));
    JsonNode expected = json("{'count':" + (3 * THREADS * PER_THREAD) + "}");
    assertThat(engine.get("s", "g", "n")).isEqualTo(expected);
    awaitView(watcher);
  }

  @Test
  void concurrentAppendsKeepEveryElementExactlyOnce() throws Exception {
    hammer(
        (t, i) ->
            engine.update(
                "s",
                "g",
                "log",
                List.of(UpdateOp.append(List.of("items"), IntNode.valueOf(t * PER_THREAD + i)))));
    JsonNode items = engine.get("s", "g", "log").get("items");
    assertThat(items).hasSize(THREADS * PER_THREAD);
    Set<Integer> seen = new HashSet<>();
    items.forEach(n -> seen.add(n.intValue()));
    assertThat(seen).hasSize(THREADS * PER_THREAD);
  }

  @Test
  void mixedWritesWhileSubscribersJoinEndWithEveryViewEqualToTheStore() throws Exception {
    List<RecordingListener> watchers = new ArrayList<>();
    RecordingListener early = new RecordingListener();
    watchers.add(early);
    engine.subscribe("s", "g", null, early);
    hammer(
        (t, i) -> {
          String item = "i" + ThreadLocalRandom.current().nextInt(5);
          switch (ThreadLocalRandom.current().nextInt(4)) {
            case 0 -> engine.set("s", "g", item, json("{'by':" + t + ",'n':" + i + "}"));
            case 1 -> engine.update("s", "g", item, List.of(UpdateOp.increment("n", 1)));
            case 2 -> engine.delete("s", "g", item);
            default -> engine.send("s", "g", "tick", IntNode.valueOf(i), item);
          }
          if (t == 0 && i % (PER_THREAD / 10) == 0) {
            RecordingListener late = new RecordingListener();
            synchronized (watchers) {
              watchers.add(late);
            }
            engine.subscribe("s", "g", null, late); // joins while the others write
          }
        });
    for (RecordingListener watcher : watchers) {
      awaitView(watcher);
    }
  }

  /** The subscriber ends on the stored state, having seen seq without gaps or duplicates. */
  private void awaitView(RecordingListener watcher) {
    long finalSeq = engine.snapshot("s", "g", null).seq();
    await().atMost(Duration.ofSeconds(30)).until(() -> watcher.lastSeq() == finalSeq);
    synchronized (watcher) {
      assertThat(watcher.problems).isEmpty();
      Map<String, JsonNode> stored = engine.snapshot("s", "g", null).items();
      assertThat(watcher.state).isEqualTo(stored);
      assertThat(new ArrayList<>(watcher.state.keySet()))
          .containsExactlyElementsOf(stored.keySet());
    }
  }
}
