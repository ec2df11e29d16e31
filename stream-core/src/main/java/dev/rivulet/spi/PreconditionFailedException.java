package dev.rivulet.spi;

/**
 * A write's {@link Guard#ifVersion() version condition} did not hold: nothing was committed. The
 * engine reports it to its caller as a {@code StreamException} with code {@code
 * precondition_failed} and this message.
 */
public final class PreconditionFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The item whose condition failed. */
  private final String item;

  /** Its version when the write was refused, 0 when it did not exist. */
  private final long current;

  /** The version the write expected, 0 = must not exist. */
  private final long expected;

  /**
   * The failure of a condition, with its message naming the current version.
   *
   * @param item the item id
   * @param current the item's version, 0 when it does not exist
   * @param expected the version the write expected, 0 = not to exist
   */
  public PreconditionFailedException(String item, long current, long expected) {
    super(message(item, current, expected));
    this.item = item;
    this.current = current;
    this.expected = expected;
  }

  private static String message(String item, long current, long expected) {
    if (current == 0) {
      return "item " + item + " does not exist, not at version " + expected;
    }
    if (expected == 0) {
      return "item " + item + " already exists, at version " + current;
    }
    return "item " + item + " is at version " + current + ", not " + expected;
  }

  /**
   * The item whose condition failed.
   *
   * @return the item id
   */
  public String item() {
    return item;
  }

  /**
   * The item's version when the write was refused.
   *
   * @return the version, 0 when the item did not exist
   */
  public long current() {
    return current;
  }

  /**
   * The version the write expected.
   *
   * @return the expected version, 0 = the item must not exist
   */
  public long expected() {
    return expected;
  }
}
