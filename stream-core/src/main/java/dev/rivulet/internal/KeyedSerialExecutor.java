package dev.rivulet.internal;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks of one key one after another, in submission order, on a shared executor; tasks of
 * different keys run in parallel. Idle keys cost nothing (their queue is dropped when drained).
 *
 * <p>Bounded: a lane queues at most {@code limit} tasks (plus the replacement, see below) besides
 * the one running, and has at most one runnable in the shared executor's queue, so that queue holds
 * at most one entry per lane with work. Queuing never blocks: a task that arrives at a full lane
 * makes room by dropping the lane's oldest task, or, with a replacement, all its queued tasks,
 * which the replacement task then stands for.
 */
final class KeyedSerialExecutor<K> {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedSerialExecutor.class);
  private static final int BATCH = 256;

  private final Executor executor;
  private final int limit;
  private final Function<? super K, Runnable> replacement;
  private final ConcurrentHashMap<K, Lane> lanes = new ConcurrentHashMap<>();

  /**
   * @param limit queued tasks per lane, at least 1
   * @param replacement null: a full lane drops its oldest task; else a full lane drops all its
   *     queued tasks and queues {@code replacement.apply(key)} in their place (called under the
   *     lane's lock: keep it cheap)
   */
  KeyedSerialExecutor(Executor executor, int limit, Function<? super K, Runnable> replacement) {
    if (limit < 1) {
      throw new IllegalArgumentException("lane limit must be at least 1, got " + limit);
    }
    this.executor = executor;
    this.limit = limit;
    this.replacement = replacement;
  }

  /**
   * Queues {@code task} behind every earlier task of {@code key}; never blocks.
   *
   * @return how many queued tasks were dropped to make room (0 almost always)
   */
  int execute(K key, Runnable task) {
    int[] dropped = new int[1];
    Lane lane =
        lanes.compute(
            key,
            (k, existing) -> {
              Lane target = existing == null ? new Lane(k) : existing;
              if (target.tasks.size() >= limit) {
                dropped[0] = makeRoom(k, target.tasks);
              }
              target.tasks.add(task);
              return target;
            });
    if (lane.scheduled.compareAndSet(false, true)) {
      schedule(lane);
    }
    return dropped[0];
  }

  private int makeRoom(K key, ArrayDeque<Runnable> tasks) {
    if (replacement == null) {
      tasks.poll();
      return 1;
    }
    int dropped = tasks.size();
    tasks.clear();
    tasks.add(replacement.apply(key));
    return dropped;
  }

  /** Tasks queued for {@code key}, not counting the running one (for tests and metrics). */
  int queued(K key) {
    int[] size = new int[1];
    lanes.computeIfPresent(
        key,
        (k, l) -> {
          size[0] = l.tasks.size();
          return l;
        });
    return size[0];
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
