package dev.rivulet.internal;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks of one key one after another, in submission order, on a shared executor; tasks of
 * different keys run in parallel. Idle keys cost nothing (their queue is dropped when drained).
 */
final class KeyedSerialExecutor<K> {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedSerialExecutor.class);
  private static final int BATCH = 256;

  private final Executor executor;
  private final ConcurrentHashMap<K, Lane> lanes = new ConcurrentHashMap<>();

  KeyedSerialExecutor(Executor executor) {
    this.executor = executor;
  }

  /** Queues {@code task} behind every earlier task of {@code key}. */
  void execute(K key, Runnable task) {
    Lane lane =
        lanes.compute(
            key,
            (k, existing) -> {
              Lane target = existing == null ? new Lane(k) : existing;
              target.tasks.add(task);
              return target;
            });
    if (lane.scheduled.compareAndSet(false, true)) {
      schedule(lane);
    }
  }

  private void schedule(Lane lane) {
    try {
      executor.execute(lane);
    } catch (RejectedExecutionException e) {
      LOG.debug("executor rejected tasks of {} (engine closing)", lane.key);
      lanes.remove(lane.key, lane);
    }
  }

  /** The queue of one key; exists in the map exactly while it has tasks or runs one. */
  private final class Lane implements Runnable {
    final K key;
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    final AtomicBoolean scheduled = new AtomicBoolean();

    Lane(K key) {
      this.key = key;
    }

    @Override
    public void run() {
      for (int done = 0; done < BATCH; done++) {
        Runnable next = poll();
        if (next == null) {
          return;
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          LOG.warn("task of {} failed", key, e);
        }
      }
      schedule(this); // let other keys run, then go on
    }

    /** Takes the next task, or removes the lane (atomically with execute) when there is none. */
    private Runnable poll() {
      Runnable[] next = new Runnable[1];
      lanes.computeIfPresent(
          key,
          (k, lane) -> {
            next[0] = lane.tasks.poll();
            return next[0] == null ? null : lane;
          });
      return next[0];
    }
  }
}
