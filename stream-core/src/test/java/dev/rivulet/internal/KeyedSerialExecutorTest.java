package dev.rivulet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Lanes queue at most their limit and never block; the executor gets one runnable per lane. */
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
    KeyedSerialExecutor<String> lanes = new KeyedSerialExecutor<>(executor::add, 3, null);
    int dropped = 0;
    for (int i = 0; i < 10; i++) {
      int n = i;
      dropped += lanes.execute("a", () -> ran.add("a" + n));
    }
    lanes.execute("b", () -> ran.add("b"));
    assertThat(lanes.queued("a")).isEqualTo(3);
    assertThat(dropped).isEqualTo(7);
    assertThat(executor).hasSize(2); // one runnable per lane, however many tasks it holds
    runAll();
    assertThat(ran).containsExactly("a7", "a8", "a9", "b");
    assertThat(lanes.queued("a")).isZero();
  }

  @Test
  void fullLaneWithAReplacementDropsAllItsTasksForIt() {
    KeyedSerialExecutor<String> lanes =
        new KeyedSerialExecutor<>(executor::add, 3, key -> () -> ran.add("replaced " + key));
    int dropped = 0;
    for (int i = 0; i < 5; i++) {
      int n = i;
      dropped += lanes.execute("a", () -> ran.add("a" + n));
    }
    assertThat(dropped).isEqualTo(3);
    assertThat(lanes.queued("a")).isEqualTo(3); // the replacement, a3, a4
    runAll();
    assertThat(ran).containsExactly("replaced a", "a3", "a4");
  }

  @Test
  void limitBelowOneIsRefused() {
    assertThatThrownBy(() -> new KeyedSerialExecutor<String>(executor::add, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lane limit must be at least 1, got 0");
  }
}
