package dev.rivulet.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One delivery pass: the hand-over of one event to every subscriber of its group, on the group's
 * lane. A listener may {@linkplain #defer defer} work to the end of the pass it runs in, so that a
 * transport wakes its I/O thread once per pass instead of once per subscriber. Outside a pass
 * nothing is deferred: the caller does the work at once. Passes are per thread and do not nest.
 */
public final class DeliveryPass {
  private static final ThreadLocal<DeliveryPass> CURRENT = new ThreadLocal<>();

  private final List<Runnable> atEnd = new ArrayList<>(4);

  private DeliveryPass() {}

  /**
   * Runs {@code pass}, then the work deferred while it ran (in the order deferred), on this thread.
   *
   * @param pass the delivery of one event to its subscribers
   */
  public static void run(Runnable pass) {
    if (CURRENT.get() != null) {
      pass.run(); // already inside a pass: its end runs the deferred work
      return;
    }
    DeliveryPass current = new DeliveryPass();
    CURRENT.set(current);
    try {
      pass.run();
    } finally {
      CURRENT.remove();
      current.finish();
    }
  }

  private void finish() {
    RuntimeException failure = null;
    for (Runnable task : atEnd) {
      try {
        task.run();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Defers {@code task} to the end of the pass running on this thread, unless the same task
   * (identity) is already deferred.
   *
   * @param task the work, e.g. waking a selector
   * @return false when no pass runs on this thread (nothing was deferred: do the work now)
   */
  public static boolean defer(Runnable task) {
    DeliveryPass current = CURRENT.get();
    if (current == null) {
      return false;
    }
    for (Runnable t : current.atEnd) {
      if (t == task) {
        return true;
      }
    }
    current.atEnd.add(task);
    return true;
  }
}
