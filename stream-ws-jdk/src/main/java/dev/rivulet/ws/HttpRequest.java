package dev.rivulet.ws;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed HTTP/1.1 request head (and body, when it had a Content-Length).
 *
 * @param headers lower-case names to their values in arrival order
 * @param path the raw (not percent-decoded) path
 * @param rawQuery the raw query string without '?', or null
 */
record HttpRequest(
    String method,
    String target,
    String path,
    String rawQuery,
    String version,
    Map<String, List<String>> headers,
    byte[] body) {

  /** The last value of a header, or null. */
  String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  /** All values of a header joined by ", " (list-valued headers), or null. */
  String joinedHeader(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : String.join(", ", values);
  }

  /** Whether a comma-separated header contains {@code token} (case-insensitive). */
  boolean headerHasToken(String name, String token) {
    String value = joinedHeader(name);
    if (value == null) {
      return false;
    }
    for (String part : value.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }
}
