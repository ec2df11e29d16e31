package dev.rivulet.internal;

/** Name validation for the typed API (same rules and messages as the JSON functions). */
public final class NameCheck {
  private NameCheck() {}

  /**
   * @throws dev.rivulet.StreamException {@code invalid_argument} for a null, empty or oversized
   *     name or one holding a lone UTF-16 surrogate
   */
  public static String name(String functionId, String field, String value) {
    return Inputs.checkName(functionId, field, value);
  }

  /**
   * Checks an idempotency key: the name rules with a bound of {@code maxBytes} UTF-8 bytes.
   *
   * @throws dev.rivulet.StreamException {@code invalid_argument} for a null, empty or oversized key
   *     or one holding a lone UTF-16 surrogate
   */
  public static String key(String functionId, String field, String value, int maxBytes) {
    return Inputs.checkName(functionId, field, value, maxBytes);
  }
}
