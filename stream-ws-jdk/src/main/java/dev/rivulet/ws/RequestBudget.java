package dev.rivulet.ws;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget of bytes buffered for incomplete requests (heads and bodies in progress).
 * A reservation beyond the budget is refused, so hostile clients that claim large bodies or trickle
 * heads cannot exhaust the heap.
 */
final class RequestBudget {
  private final long max;
  private final AtomicLong used = new AtomicLong();

  RequestBudget(long max) {
    this.max = max;
  }

  /** Reserves {@code bytes}; false (nothing reserved) when that would exceed the budget. */
  boolean reserve(long bytes) {
    long now;
    do {
      now = used.get();
      if (now + bytes > max) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes reserved right now. */
  long used() {
    return used.get();
  }

  long max() {
    return max;
  }
}
