package dev.rivulet.internal;

import java.nio.charset.StandardCharsets;

/**
 * The rules of stream, group and item names, shared by the engine and the WebSocket binding (same
 * rules and messages as the JSON functions): non-empty, at most {@link #MAX_NAME_BYTES} UTF-8 bytes
 * and no lone UTF-16 surrogate (which UTF-8 cannot hold: two such names would collide once stored).
 * Plain values only: the caller turns a problem into its {@code invalid_argument} error.
 */
public final class NameCheck {
  /** Longest stream, group or item name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 512;

  private NameCheck() {}

  /**
   * What is wrong with a name.
   *
   * @return the message of the {@code invalid_argument} error ({@code Invalid input for <function>:
   *     <field> …}), or {@code null} when the name is valid
   */
  public static String problem(String functionId, String field, String value) {
    return problem(functionId, field, value, MAX_NAME_BYTES);
  }

  /**
   * What is wrong with a name or key bounded by {@code maxBytes} UTF-8 bytes instead of {@link
   * #MAX_NAME_BYTES} (e.g. an idempotency key).
   *
   * @return the message of the {@code invalid_argument} error, or {@code null} when valid
   */
  public static String problem(String functionId, String field, String value, int maxBytes) {
    String prefix = "Invalid input for " + functionId + ": " + field;
    if (value == null || value.isEmpty()) {
      return prefix + " must not be empty";
    }
    int lone = loneSurrogate(value);
    if (lone >= 0) {
      return prefix + " " + loneSurrogateDetail(value, lone);
    }
    if (value.length() * 3 > maxBytes) {
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        return prefix + " is " + bytes + " UTF-8 bytes, the maximum is " + maxBytes;
      }
    }
    return null;
  }

  /** The index of the first UTF-16 surrogate of {@code s} that is not half of a pair, or -1. */
  public static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code holds a lone UTF-16 surrogate U+D800 at index 3}. */
  public static String loneSurrogateDetail(String s, int index) {
    return String.format(
        "holds a lone UTF-16 surrogate U+%04X at index %d", (int) s.charAt(index), index);
  }
}
