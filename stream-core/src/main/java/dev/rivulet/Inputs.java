package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.NameCheck;

/** Decoding of function inputs, with the reference's error codes and wording. */
final class Inputs {
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
   * Checks a name ({@link NameCheck#problem}).
   *
   * @throws StreamException {@code invalid_argument} for a null, empty or oversized name or one
   *     holding a lone UTF-16 surrogate
   */
  static String checkName(String functionId, String field, String value) {
    return checkName(functionId, field, value, NameCheck.MAX_NAME_BYTES);
  }

  /** {@link #checkName(String, String, String)} with another bound in UTF-8 bytes. */
  static String checkName(String functionId, String field, String value, int maxBytes) {
    String problem = NameCheck.problem(functionId, field, value, maxBytes);
    if (problem != null) {
      throw new StreamException(StreamException.INVALID_ARGUMENT, problem);
    }
    return value;
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
