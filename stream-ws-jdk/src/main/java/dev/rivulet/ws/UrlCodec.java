package dev.rivulet.ws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Percent-decoding of paths and query strings. */
final class UrlCodec {
  private UrlCodec() {}

  /** Decodes a path segment ('+' stays '+'); throws IllegalArgumentException when malformed. */
  static String decodeSegment(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * Query parameters: split on '&' and the first '=', percent-decoded, repeated keys accumulate in
   * order, {@code c} or {@code c=} gives {@code [""]}, empty keys are skipped.
   */
  static Map<String, List<String>> queryParams(String rawQuery) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!k.isEmpty()) {
        params.computeIfAbsent(k, x -> new ArrayList<>(1)).add(v);
      }
    }
    return params;
  }
}
