package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Lanes keep each key's order, queue at most their limit (all lanes at most {@link
 * KeyedSerialExecutor#TOTAL_LANES} limits), never block, and give the executor one runnable per
 * lane.
 */
class KeyedSerialExecutorTest {
  private final ConcurrentLinkedQueue<Runnable> executor = new ConcurrentLinkedQueue<>();
  private final List<String> ran = new ArrayList<>();

  private void runAll() {
    for (Runnable task; (task = executor.poll()) != null; ) {
      task.run();
    }
  }

  @Test
  void fullLaneDropsItsOldestTasks() {
    KeyedSerialExecutor<String> lanes =
        new KeyedSerialExecutor<>(executor::add, 3, KeyedSerialExecutor.dropOldest());
    int dropped = 0;
    for (int i = 0; i < 10; i++) {
      int n = i;
      dropped += lanes.execute("a", () -> ran.add("a" + n));
    }
    lanes.execute("b", () -> ran.add("b"));
    assertThat(lanes.queued("a")).isEqualTo(3);
    assertThat(lanes.queued()).isEqualTo(4);
    assertThat(dropped).isEqualTo(7);
    assertThat(executor).hasSize(2); // one runnable per lane, however many tasks it holds
    runAll();
    assertThat(ran).containsExactly("a7", "a8", "a9", "b");
    assertThat(lanes.queued("a")).isZero();
    assertThat(lanes.queued()).isZero();
  }

  @Test
  void fullLaneWithACatchUpReplacesItsBacklogAndTheNewTaskByIt() {
    KeyedSerialExecutor<String> lanes =
        new KeyedSerialExecutor<>(
            executor::add, 3, KeyedSerialExecutor.replaceWith(key -> () -> ran.add("catch-up")));
    int dropped = 0;
    for (int i = 0; i < 6; i++) {
      int n = i;
      dropped += lanes.execute("a", () -> ran.add("a" + n));
    }
    assertThat(dropped).isEqualTo(4); // a0..a3 stand behind the catch-up
    assertThat(lanes.queued("a")).isEqualTo(3); // the catch-up, a4, a5
    runAll();
    assertThat(ran).containsExactly("catch-up", "a4", "a5");
  }

  @Test
  void allLanesTogetherHoldAtMostTheTotalBound() {
    KeyedSerialExecutor<Integer> lanes =
        new KeyedSerialExecutor<>(executor::add, 1, KeyedSerialExecutor.dropOldest());
    int total = KeyedSerialExecutor.TOTAL_LANES;
    int dropped = 0;
    for (int key = 0; key < total + 30; key++) {
      int k = key;
      dropped += lanes.execute(key, () -> ran.add("k" + k));
    }
    assertThat(lanes.queued()).isEqualTo(total);
    assertThat(dropped).isEqualTo(30); // empty lanes beyond the total drop the new task
    assertThat(executor).hasSize(total);
    runAll();
    assertThat(ran).hasSize(total).startsWith("k0").endsWith("k" + (total - 1));
  }

  @Test
  void refusedTurnOfARunningPoolIsRetriedNotDropped() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1));
    try {
      CountDownLatch release = new CountDownLatch(1);
      pool.execute(() -> await(release)); // the only thread, blocked
      pool.execute(() -> {}); // the queue is full now
      KeyedSerialExecutor<String> lanes =
          new KeyedSerialExecutor<>(pool, 10, KeyedSerialExecutor.dropOldest());
      CountDownLatch done = new CountDownLatch(2);
      lanes.execute("a", done::countDown); // refused by the pool: retried shortly
      lanes.execute("a", done::countDown);
      assertThat(lanes.queued("a")).isEqualTo(2);
      release.countDown();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusedTurnOfAShutDownPoolDropsTheLane() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdown();
    KeyedSerialExecutor<String> lanes =
        new KeyedSerialExecutor<>(pool, 10, KeyedSerialExecutor.dropOldest());
    lanes.execute("a", () -> ran.add("a"));
    assertThat(lanes.queued("a")).isZero();
    assertThat(lanes.queued()).isZero();
  }

  @Test
  void limitBelowOneIsRefused() {
    assertThatThrownBy(
            () ->
                new KeyedSerialExecutor<String>(executor::add, 0, KeyedSerialExecutor.dropOldest()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lane limit must be at least 1, got 0");
  }

  /**
   * Any interleaving of submissions (to a few keys) and executor turns: each key's tasks run in
   * submission order, no lane ever queues more than its limit, every task runs or is counted as
   * dropped, and with drop-oldest the newest task of each key always runs.
   */
  @Property(tries = 300)
  void orderPerKeyIsKeptAndTheBoundNeverExceeded(
      @ForAll("steps") List<Integer> steps,
      @ForAll @IntRange(min = 1, max = 5) int limit,
      @ForAll boolean catchUp) {
    ConcurrentLinkedQueue<Runnable> turns = new ConcurrentLinkedQueue<>();
    Map<Integer, List<Integer>> done = new HashMap<>();
    AtomicInteger catchUpsMade = new AtomicInteger();
    AtomicInteger catchUpsRan = new AtomicInteger();
    KeyedSerialExecutor.Overflow<Integer> overflow =
        catchUp
            ? KeyedSerialExecutor.replaceWith(
                key -> {
                  catchUpsMade.incrementAndGet();
                  return catchUpsRan::incrementAndGet;
                })
            : KeyedSerialExecutor.dropOldest();
    KeyedSerialExecutor<Integer> lanes = new KeyedSerialExecutor<>(turns::add, limit, overflow);
    Map<Integer, Integer> submitted = new HashMap<>();
    int dropped = 0;
    for (int step : steps) {
      if (step < 0) {
        Runnable turn = turns.poll(); // one lane's turn (runs up to a batch of its tasks)
        if (turn != null) {
          turn.run();
        }
      } else {
        int key = step;
        int n = submitted.merge(key, 1, Integer::sum);
        dropped +=
            lanes.execute(key, () -> done.computeIfAbsent(key, k -> new ArrayList<>()).add(n));
      }
      for (int key = 0; key < 4; key++) {
        assertThat(lanes.queued(key)).isLessThanOrEqualTo(limit);
      }
      assertThat(lanes.queued()).isLessThanOrEqualTo(limit * KeyedSerialExecutor.TOTAL_LANES);
    }
    for (Runnable turn; (turn = turns.poll()) != null; ) {
      turn.run();
    }
    int ranTasks = 0;
    for (Map.Entry<Integer, List<Integer>> e : done.entrySet()) {
      assertThat(e.getValue()).as("key %d", e.getKey()).isSorted().doesNotHaveDuplicates();
      ranTasks += e.getValue().size();
    }
    int total = submitted.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(ranTasks + catchUpsRan.get() + dropped).isEqualTo(total + catchUpsMade.get());
    if (!catchUp) {
      submitted.forEach(
          (key, count) -> assertThat(done.get(key)).as("key %d", key).endsWith(count));
    }
    assertThat(lanes.queued()).isZero();
  }

  @Provide
  Arbitrary<List<Integer>> steps() {
    // 0..3: submit to that key; -1: run one executor turn
    return Arbitraries.integers().between(-1, 3).list().ofMaxSize(200);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
