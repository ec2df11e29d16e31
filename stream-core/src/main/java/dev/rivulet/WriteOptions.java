package dev.rivulet;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a write is guarded: {@code if_version} and {@code idempotency_key} of the typed API. Pass it
 * to {@link Item#set(Object, WriteOptions)}, {@link Item#update(WriteOptions, UpdateOp...)}, {@link
 * Item#delete(WriteOptions)} or {@link Group#send(String, Object, WriteOptions)}:
 *
 * <pre>{@code
 * SetResult r = item.set(order, WriteOptions.ifVersion(0));          // create only
 * item.update(WriteOptions.ifVersion(r.version()), UpdateOp.increment("total", 1));
 * item.delete(WriteOptions.idempotencyKey(requestId));                // safe to retry
 * }</pre>
 *
 * <ul>
 *   <li>{@code ifVersion(n)}: the write happens only when the item is at version {@code n} (the
 *       group {@code seq} of the change that last wrote it), {@code 0} = only when it does not
 *       exist; otherwise it fails with {@link StreamException#PRECONDITION_FAILED}, writes nothing
 *       and emits nothing. Checked atomically with the write in every adapter.
 *   <li>{@code idempotencyKey(k)}: a repeat of the same key on the same group within the engine's
 *       {@code idempotencyWindow} (default 5 minutes) returns the first call's result and writes,
 *       emits and fires nothing. The key names the call: a repeat is answered with the first call's
 *       result whatever its own input. Makes the retry of a write whose outcome is unknown safe.
 * </ul>
 *
 * Immutable; the {@code with…} methods return a copy.
 */
public final class WriteOptions {
  /** Longest idempotency key, in UTF-8 bytes. */
  public static final int MAX_IDEMPOTENCY_KEY_BYTES = 256;

  private static final WriteOptions NONE = new WriteOptions(-1, null);

  private final long ifVersion;
  private final String idempotencyKey;

  private WriteOptions(long ifVersion, String idempotencyKey) {
    this.ifVersion = ifVersion;
    this.idempotencyKey = idempotencyKey;
  }

  /**
   * No condition and no key: a plain write.
   *
   * @return the options of a plain write
   */
  public static WriteOptions none() {
    return NONE;
  }

  /**
   * Only when the item is at {@code version}; 0 = only when it does not exist.
   *
   * @param version the expected version, at least 0
   * @return the options
   * @throws StreamException {@code invalid_argument} when {@code version} is negative
   */
  public static WriteOptions ifVersion(long version) {
    return NONE.withIfVersion(version);
  }

  /**
   * With an idempotency key.
   *
   * @param key non-empty, at most {@value #MAX_IDEMPOTENCY_KEY_BYTES} UTF-8 bytes
   * @return the options
   * @throws StreamException {@code invalid_argument} when {@code key} is null, empty, too long or
   *     holds a lone surrogate
   */
  public static WriteOptions idempotencyKey(String key) {
    return NONE.withIdempotencyKey(key);
  }

  /**
   * A copy with the version condition.
   *
   * @param version the expected version, at least 0 (0 = the item must not exist)
   * @return a new options object
   * @throws StreamException {@code invalid_argument} when {@code version} is negative
   */
  public WriteOptions withIfVersion(long version) {
    if (version < 0) {
      throw StreamException.invalidArgument("if_version must be at least 0: " + version);
    }
    return new WriteOptions(version, idempotencyKey);
  }

  /**
   * A copy with the idempotency key.
   *
   * @param key non-empty, at most {@value #MAX_IDEMPOTENCY_KEY_BYTES} UTF-8 bytes
   * @return a new options object
   * @throws StreamException {@code invalid_argument} when {@code key} is null, empty, too long or
   *     holds a lone surrogate
   */
  public WriteOptions withIdempotencyKey(String key) {
    Inputs.checkName("write options", "idempotency_key", key, MAX_IDEMPOTENCY_KEY_BYTES);
    return new WriteOptions(ifVersion, key);
  }

  /**
   * The version condition.
   *
   * @return the expected version (0 = must not exist), or empty for none
   */
  public OptionalLong expectedVersion() {
    return ifVersion < 0 ? OptionalLong.empty() : OptionalLong.of(ifVersion);
  }

  /**
   * The idempotency key.
   *
   * @return the key, or empty for none
   */
  public Optional<String> key() {
    return Optional.ofNullable(idempotencyKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteOptions other
        && other.ifVersion == ifVersion
        && Objects.equals(other.idempotencyKey, idempotencyKey);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(ifVersion) * 31 + Objects.hashCode(idempotencyKey);
  }

  @Override
  public String toString() {
    return "WriteOptions[ifVersion=" + expectedVersion() + ", idempotencyKey=" + key() + "]";
  }
}
