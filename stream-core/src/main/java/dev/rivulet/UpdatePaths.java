package dev.rivulet;

import java.util.List;

/**
 * Path rules of the update ops (SPEC §4): limits, the prototype-pollution sinks and the labels used
 * in error messages.
 */
final class UpdatePaths {
  static final int MAX_PATH_DEPTH = 32;
  static final int MAX_SEGMENT_BYTES = 256;

  /** A path rule that failed: {@code reason} completes the code {@code <op>.path.<reason>}. */
  record Problem(String reason, String message) {}

  private UpdatePaths() {}

  /** True for {@code __proto__}, {@code constructor} and {@code prototype}. */
  static boolean isProtoSink(String key) {
    return switch (key) {
      case "__proto__", "constructor", "prototype" -> true;
      default -> false;
    };
  }

  /** Checks a one-key path of set/increment/decrement/remove ({@code ""} = the root). */
  static Problem check(String field) {
    return field.isEmpty() ? null : checkSegment(field);
  }

  /** Checks a segment path of merge/append (empty = the root); {@code null} when valid. */
  static Problem check(List<String> segments) {
    int depth = segments.size();
    if (depth > MAX_PATH_DEPTH) {
      return new Problem(
          "too_deep", "Path depth " + depth + " exceeds maximum of " + MAX_PATH_DEPTH);
    }
    for (int i = 0; i < depth; i++) {
      Problem problem = checkSegment(segments.get(i));
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static Problem checkSegment(String segment) {
    if (segment.isEmpty()) {
      return new Problem("empty_segment", "Path contains an empty segment");
    }
    // A UTF-16 unit never takes more than 3 UTF-8 bytes: short segments need no counting.
    if (segment.length() * 3 > MAX_SEGMENT_BYTES) {
      int bytes = utf8Length(segment);
      if (bytes > MAX_SEGMENT_BYTES) {
        return new Problem(
            "segment_too_long",
            "Path segment of " + bytes + " bytes exceeds maximum of " + MAX_SEGMENT_BYTES);
      }
    }
    if (isProtoSink(segment)) {
      return new Problem(
          "proto_polluted", "Path segment '" + segment + "' is not allowed (prototype pollution).");
    }
    return null;
  }

  /** The UTF-8 length of {@code s} without encoding it (a lone surrogate counts 3 bytes). */
  static int utf8Length(String s) {
    int bytes = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The label of a one-key path in messages: {@code root} for {@code ""}, else the key. */
  static String label(String path) {
    return path.isEmpty() ? "root" : path;
  }

  /** The label of a segment path in messages: {@code root}, or {@code [a, b]}. */
  static String label(List<String> segments) {
    return segments.isEmpty() ? "root" : "[" + String.join(", ", segments) + "]";
  }
}
