package dev.rivulet;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks of one key one after another, in submission order, on a shared executor; tasks of
 * different keys run in parallel. Idle keys cost nothing (their queue is dropped when drained).
 *
 * <p>Bounded: a lane queues at most {@code limit} tasks besides the one running, all lanes together
 * at most {@link #TOTAL_LANES} times that, and each lane has at most one runnable in the shared
 * executor's queue. Queuing never blocks: a task that finds its lane (or all lanes) full is handed
 * to the lane's {@link Overflow} policy, which makes room by dropping. When an {@link
 * ExecutorService} that is not shut down refuses a lane's turn (its queue is full), the lane tries
 * again shortly and keeps its bound meanwhile; when a shut-down service or another executor refuses
 * it, the lane's tasks are dropped (the engine is closing).
 */
final class KeyedSerialExecutor<K> {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedSerialExecutor.class);
  private static final int BATCH = 256;
  private static final long REJECTED_RETRY_MILLIS = 10;

  /** All lanes together queue at most this many lane limits. */
  static final int TOTAL_LANES = 100;

  /** What a lane does with a task that finds it, or all lanes together, full. */
  interface Overflow<K> {
    /**
     * Makes room for {@code task} in {@code tasks} (called under the lane's lock: keep it cheap),
     * adding it or something standing for it, or not.
     *
     * @return how many tasks were dropped (queued ones and the new one)
     */
    int overflow(K key, ArrayDeque<Runnable> tasks, Runnable task);
  }

  /** Drops the lane's oldest queued task for the new one (the new one when the lane is empty). */
  static <K> Overflow<K> dropOldest() {
    return (key, tasks, task) -> {
      if (!tasks.isEmpty()) {
        tasks.poll();
        tasks.add(task);
      }
      return 1;
    };
  }

  /**
   * Drops every queued task and the new one, and queues {@code catchUp.apply(key)} in their place,
   * a task that stands for all of them.
   */
  static <K> Overflow<K> replaceWith(Function<? super K, Runnable> catchUp) {
    return (key, tasks, task) -> {
      int dropped = tasks.size() + 1;
      tasks.clear();
      tasks.add(catchUp.apply(key));
      return dropped;
    };
  }

  private final Executor executor;
  private final int limit;
  private final int totalLimit;
  private final Overflow<K> overflow;
  private final ConcurrentHashMap<K, Lane> lanes = new ConcurrentHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Throttle rejectionWarnings = new Throttle(10, TimeUnit.SECONDS);

  /**
   * @param limit queued tasks per lane, at least 1
   */
  KeyedSerialExecutor(Executor executor, int limit, Overflow<K> overflow) {
    if (limit < 1) {
      throw new IllegalArgumentException("lane limit must be at least 1, got " + limit);
    }
    this.executor = executor;
    this.limit = limit;
    this.totalLimit = (int) Math.min(Integer.MAX_VALUE, (long) limit * TOTAL_LANES);
    this.overflow = overflow;
  }

  /**
   * Queues {@code task} behind every earlier task of {@code key}; never blocks.
   *
   * @return how many tasks were dropped to make room (0 almost always)
   */
  int execute(K key, Runnable task) {
    int[] dropped = new int[1];
    Lane lane =
        lanes.compute(
            key,
            (k, existing) -> {
              Lane target = existing == null ? new Lane(k) : existing;
              int before = target.tasks.size();
              if (before >= limit || queued.get() >= totalLimit) {
                dropped[0] = overflow.overflow(k, target.tasks, task);
              } else {
                target.tasks.add(task);
              }
              queued.addAndGet(target.tasks.size() - before);
              return target.tasks.isEmpty() && !target.scheduled.get() ? null : target;
            });
    if (lane != null && lane.scheduled.compareAndSet(false, true)) {
      schedule(lane);
    }
    return dropped[0];
  }

  /** Tasks queued for {@code key}, not counting the running one. */
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

  /** Tasks queued in all lanes, not counting running ones. */
  int queued() {
    return queued.get();
  }

  private void schedule(Lane lane) {
    try {
      executor.execute(lane);
    } catch (RejectedExecutionException e) {
      if (!(executor instanceof ExecutorService service) || service.isShutdown()) {
        LOG.debug("executor rejected the tasks of {} (engine closing): dropped", lane.key);
        lanes.computeIfPresent(
            lane.key,
            (k, l) -> {
              queued.addAndGet(-l.tasks.size());
              return null;
            });
        return;
      }
      if (rejectionWarnings.ready()) {
        LOG.warn(
            "executor refused the turn of {} (its queue is full); retrying in {} ms",
            lane.key,
            REJECTED_RETRY_MILLIS);
      }
      CompletableFuture.delayedExecutor(REJECTED_RETRY_MILLIS, TimeUnit.MILLISECONDS)
          .execute(() -> schedule(lane));
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
            if (next[0] == null) {
              return null;
            }
            queued.decrementAndGet();
            return lane;
          });
      return next[0];
    }
  }
}
