package dev.rivulet.spi;

/**
 * What guards one write, checked by the adapter atomically with it: the version the item must be at
 * ({@code if_version}) and the idempotency key whose earlier result the write must return instead
 * of writing again ({@code idempotency_key}).
 *
 * <p>An item's version is the group {@code seq} of the change that last wrote it (set or update); a
 * missing item is at version 0. With {@link #checksVersion()}, a write whose item is not at {@link
 * #ifVersion()} commits nothing and throws {@link PreconditionFailedException}. With {@link
 * #idempotent()}, the adapter first looks the key up in the group's remembered results: when found
 * (within {@link #windowMillis()} of the first call) it returns that {@link Receipt} with {@code
 * replayed = true} and commits and reports nothing; otherwise it writes and remembers the receipt
 * with the commit (also a delete that found nothing). A failed write remembers nothing.
 *
 * @param ifVersion the version the item must be at, 0 = it must not exist, {@link #ANY_VERSION} =
 *     no condition
 * @param idempotencyKey the key of this call within its group, or null for none
 * @param windowMillis how long the receipt of an idempotent write is remembered, in milliseconds
 *     (at least 1 with a key, 0 without)
 */
public record Guard(long ifVersion, String idempotencyKey, long windowMillis) {
  /** {@link #ifVersion()} of a write without a version condition. */
  public static final long ANY_VERSION = -1;

  /** No condition, no key: the write of the plain SPI methods. */
  public static final Guard NONE = new Guard(ANY_VERSION, null, 0);

  /**
   * Checks the components.
   *
   * @param ifVersion the expected version, 0, or {@link #ANY_VERSION}
   * @param idempotencyKey the key, non-empty, or null
   * @param windowMillis at least 1 with a key, 0 without
   * @throws IllegalArgumentException when a component is out of range
   */
  public Guard {
    if (ifVersion < ANY_VERSION) {
      throw new IllegalArgumentException("ifVersion must be >= -1: " + ifVersion);
    }
    if (idempotencyKey != null && (idempotencyKey.isEmpty() || windowMillis < 1)) {
      throw new IllegalArgumentException("an idempotency key must be non-empty with a window");
    }
    if (idempotencyKey == null && windowMillis != 0) {
      throw new IllegalArgumentException("a window without an idempotency key");
    }
  }

  /**
   * Whether the write has a version condition.
   *
   * @return {@code true} when {@link #ifVersion()} is not {@link #ANY_VERSION}
   */
  public boolean checksVersion() {
    return ifVersion != ANY_VERSION;
  }

  /**
   * Whether the write carries an idempotency key.
   *
   * @return {@code true} when {@link #idempotencyKey()} is not null
   */
  public boolean idempotent() {
    return idempotencyKey != null;
  }

  /**
   * Whether the write is unguarded, as {@link #NONE}.
   *
   * @return {@code true} without a condition and without a key
   */
  public boolean isNone() {
    return !checksVersion() && !idempotent();
  }

  /**
   * Throws when the condition does not hold for an item at {@code current}.
   *
   * @param item the item id, for the message
   * @param current the item's version, 0 when it does not exist
   * @throws PreconditionFailedException when {@link #checksVersion()} and {@code current !=
   *     ifVersion()}
   */
  public void checkVersion(String item, long current) {
    if (checksVersion() && current != ifVersion) {
      throw new PreconditionFailedException(item, current, ifVersion);
    }
  }

  /**
   * The error of an adapter that implements only the plain writes and got a guarded one; the engine
   * reports it as {@code invalid_argument}.
   *
   * @return the exception to throw
   */
  public static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException(
        "this storage adapter does not support if_version or idempotency_key");
  }
}
