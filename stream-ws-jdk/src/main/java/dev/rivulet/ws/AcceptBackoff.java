package dev.rivulet.ws;

/** Accept-failure backoff: 10 ms doubling to 1 s, reset by the next successful accept. */
final class AcceptBackoff {
  static final long FIRST_NANOS = 10_000_000L;
  static final long MAX_NANOS = 1_000_000_000L;

  private long delay;
  private int failures;

  /** Records a failure; returns the delay before the next try. */
  long failed() {
    delay = delay == 0 ? FIRST_NANOS : Math.min(MAX_NANOS, delay * 2);
    failures++;
    return delay;
  }

  /** Whether the last failure started a burst (log it once). */
  boolean firstOfBurst() {
    return failures == 1;
  }

  void succeeded() {
    delay = 0;
    failures = 0;
  }
}
