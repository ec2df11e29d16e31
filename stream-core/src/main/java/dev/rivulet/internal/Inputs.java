package dev.rivulet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamException;
import java.nio.charset.StandardCharsets;

/** Decoding of function inputs, with the reference's error codes and wording. */
final class Inputs {
  /** Longest stream, group or item name, in UTF-8 bytes. */
  static final int MAX_NAME_BYTES = 512;

  private final String functionId;
  private final JsonNode input;

  private Inputs(String functionId, JsonNode input) {
    this.functionId = functionId;
    this.input = input;
  }

  /** Starts decoding {@code input} of {@code functionId}; it must be a JSON object. */
  static Inputs of(String functionId, JsonNode input) {
    if (input == null || !input.isObject()) {
      throw deserialization(
          functionId, "invalid type: " + describe(input) + ", expected a JSON object");
    }
    return new Inputs(functionId, input);
  }

  /** A required, valid name field (stream_name, group_id, item_id). */
  String name(String field) {
    return checkName(functionId, field, string(field));
  }

  /** A required string field. */
  String string(String field) {
    JsonNode value = required(field);
    if (!value.isTextual()) {
      throw typeError(field, value, "a string");
    }
    return value.textValue();
  }

  /** An optional name field: absent or null → null. */
  String optionalName(String field) {
    String value = optionalString(field);
    return value == null ? null : checkName(functionId, field, value);
  }

  /** An optional string field: absent or null → null. */
  String optionalString(String field) {
    JsonNode value = input.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw typeError(field, value, "a string");
    }
    return value.textValue();
  }

  /** An optional integer field in signed 64-bit range: absent or null → null. */
  Long optionalLong(String field) {
    JsonNode value = input.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw typeError(field, value, "i64");
    }
    return value.longValue();
  }

  /** An optional key field: absent or null → null, else the name rules with {@code maxBytes}. */
  String optionalKey(String field, int maxBytes) {
    String value = optionalString(field);
    return value == null ? null : checkName(functionId, field, value, maxBytes);
  }

  /** {@code invalid_argument}: {@code Invalid input for <function_id>: <detail>}. */
  StreamException invalid(String detail) {
    return new StreamException(
        StreamException.INVALID_ARGUMENT, "Invalid input for " + functionId + ": " + detail);
  }

  /** A required field of any JSON type (null allowed). */
  JsonNode required(String field) {
    JsonNode value = input.get(field);
    if (value == null || value.isMissingNode()) {
      throw deserialization(functionId, "missing field `" + field + "`");
    }
    return value;
  }

  private StreamException typeError(String field, JsonNode value, String expected) {
    return deserialization(
        functionId,
        "invalid type for `" + field + "`: " + describe(value) + ", expected " + expected);
  }

  /**
   * Checks a name: non-empty, at most 512 UTF-8 bytes and no lone UTF-16 surrogate (which UTF-8
   * cannot hold: two such names would collide once stored).
   */
  static String checkName(String functionId, String field, String value) {
    return checkName(functionId, field, value, MAX_NAME_BYTES);
  }

  /** {@link #checkName(String, String, String)} with another bound in UTF-8 bytes. */
  static String checkName(String functionId, String field, String value, int maxBytes) {
    if (value == null || value.isEmpty()) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT,
          "Invalid input for " + functionId + ": " + field + " must not be empty");
    }
    int lone = loneSurrogate(value);
    if (lone >= 0) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT,
          "Invalid input for "
              + functionId
              + ": "
              + field
              + " "
              + loneSurrogateDetail(value, lone));
    }
    if (value.length() * 3 > maxBytes) {
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new StreamException(
            StreamException.INVALID_ARGUMENT,
            "Invalid input for "
                + functionId
                + ": "
                + field
                + " is "
                + bytes
                + " UTF-8 bytes, the maximum is "
                + maxBytes);
      }
    }
    return value;
  }

  /** The index of the first UTF-16 surrogate of {@code s} that is not half of a pair, or -1. */
  static int loneSurrogate(String s) {
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
  static String loneSurrogateDetail(String s, int index) {
    return String.format(
        "holds a lone UTF-16 surrogate U+%04X at index %d", (int) s.charAt(index), index);
  }

  static StreamException deserialization(String functionId, String detail) {
    return new StreamException(
        StreamException.DESERIALIZATION_ERROR,
        "Failed to deserialize input for " + functionId + ": " + detail);
  }

  /** A serde-like description of a value: {@code integer `1`}, {@code string "x"}, {@code null}. */
  static String describe(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "null";
    }
    if (value.isIntegralNumber()) {
      return "integer `" + value.asText() + "`";
    }
    if (value.isNumber()) {
      return "floating point `" + value.asText() + "`";
    }
    if (value.isBoolean()) {
      return "boolean `" + value.asText() + "`";
    }
    if (value.isTextual()) {
      return "string \"" + value.textValue() + "\"";
    }
    return value.isArray() ? "sequence" : "map";
  }
}
