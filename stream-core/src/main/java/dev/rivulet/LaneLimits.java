package dev.rivulet;

/**
 * The bounds of the engine's lanes (SPEC §9): how many events may wait for a group's subscribers,
 * and how many {@code stream} trigger invocations may wait on a group's trigger lane. All lanes of
 * one kind together hold at most {@link KeyedSerialExecutor#TOTAL_LANES} times the limit.
 */
record LaneLimits(int subscriberQueueLimit, int triggerQueueLimit) {
  public static final int DEFAULT_LIMIT = 10_000;

  public static final LaneLimits DEFAULTS = new LaneLimits(DEFAULT_LIMIT, DEFAULT_LIMIT);

  public LaneLimits {
    check("subscriberQueueLimit", subscriberQueueLimit);
    check("triggerQueueLimit", triggerQueueLimit);
  }

  /** Returns {@code value} when it is at least 1, else throws naming {@code name} and the value. */
  public static int check(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
    return value;
  }
}
