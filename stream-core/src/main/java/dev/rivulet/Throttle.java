package dev.rivulet;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Lets an action (a warning) through at most once per interval; the first one at once. */
final class Throttle {
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(System.nanoTime());

  Throttle(long interval, TimeUnit unit) {
    this.intervalNanos = unit.toNanos(interval);
  }

  /** Whether the action may run now; true for at most one caller per interval. */
  boolean ready() {
    long now = System.nanoTime();
    long due = next.get();
    return now - due >= 0 && next.compareAndSet(due, now + intervalNanos);
  }
}
