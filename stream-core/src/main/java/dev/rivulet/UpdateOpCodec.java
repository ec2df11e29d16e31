package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Wire codec of {@link UpdateOp} (SPEC §4). Failures are {@code deserialization_error}s whose
 * message is a short serde-like detail; the engine adds the "Failed to deserialize input for …"
 * prefix.
 */
final class UpdateOpCodec {
  private static final String VARIANTS =
      "`set`, `merge`, `increment`, `decrement`, `append`, `remove`";

  private UpdateOpCodec() {}

  /** The JSON of an op value given as a Java object (null = JSON null). */
  public static JsonNode toJson(Object value) {
    if (value == null) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    try {
      return Json.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT,
          "Cannot convert " + value.getClass().getName() + " to JSON: " + e.getMessage(),
          e);
    }
  }

  /**
   * Decodes one op. Throws {@code StreamException(deserialization_error, detail)} where the detail
   * is a short serde-like description (the caller prefixes "Failed to deserialize input for …").
   */
  public static UpdateOp decode(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw error(
          "invalid type: " + unexpected(json) + ", expected internally tagged enum UpdateOp");
    }
    JsonNode type = json.get("type");
    if (type == null) {
      throw error("missing field `type`");
    }
    if (!type.isTextual()) {
      throw error("invalid type: " + unexpected(type) + ", expected variant identifier");
    }
    return switch (type.textValue()) {
      case "set" -> UpdateOp.set(fieldPath(json), optionalValue(json));
      case "merge" -> UpdateOp.merge(mergePath(json), requiredValue(json));
      case "increment" -> UpdateOp.increment(fieldPath(json), by(json));
      case "decrement" -> UpdateOp.decrement(fieldPath(json), by(json));
      case "append" -> UpdateOp.append(mergePath(json), requiredValue(json));
      case "remove" -> UpdateOp.remove(fieldPath(json));
      default ->
          throw error("unknown variant `" + type.textValue() + "`, expected one of " + VARIANTS);
    };
  }

  /** Decodes the {@code ops} array of a {@code stream::update} input. */
  public static List<UpdateOp> decodeList(JsonNode json) {
    if (json == null || !json.isArray()) {
      throw error("invalid type: " + unexpected(json) + ", expected a sequence");
    }
    List<UpdateOp> ops = new ArrayList<>(json.size());
    for (JsonNode op : json) {
      ops.add(decode(op));
    }
    return ops;
  }

  /**
   * Encodes the wire form. A root merge/append omits {@code path}; any other merge/append path is a
   * JSON array of its segments, so {@code decode(encode(op))} equals {@code op}.
   */
  public static JsonNode encode(UpdateOp op) {
    ObjectNode json = Json.object();
    json.put("type", op.type());
    if (op instanceof UpdateOp.Set set) {
      json.put("path", set.path());
      json.set("value", set.value());
    } else if (op instanceof UpdateOp.Merge merge) {
      putSegments(json, merge.path());
      json.set("value", merge.value());
    } else if (op instanceof UpdateOp.Increment inc) {
      json.put("path", inc.path());
      json.set("by", UpdateNumbers.of(inc.by()));
    } else if (op instanceof UpdateOp.Decrement dec) {
      json.put("path", dec.path());
      json.set("by", UpdateNumbers.of(dec.by()));
    } else if (op instanceof UpdateOp.Append append) {
      putSegments(json, append.path());
      json.set("value", append.value());
    } else if (op instanceof UpdateOp.Remove remove) {
      json.put("path", remove.path());
    } else {
      throw new IllegalArgumentException("unknown update op: " + op);
    }
    return json;
  }

  private static void putSegments(ObjectNode json, List<String> segments) {
    if (segments.isEmpty()) {
      return;
    }
    ArrayNode path = json.putArray("path");
    for (String segment : segments) {
      path.add(segment);
    }
  }

  // ---------------------------------------------------------------- fields

  /** The string {@code path} of set/increment/decrement/remove. */
  private static String fieldPath(JsonNode op) {
    JsonNode path = op.get("path");
    if (path == null) {
      throw error("missing field `path`");
    }
    if (!path.isTextual()) {
      throw error("invalid type: " + unexpected(path) + ", expected a string");
    }
    return path.textValue();
  }

  /** The merge/append path: absent, null, {@code ""} and {@code []} all mean the root. */
  private static List<String> mergePath(JsonNode op) {
    JsonNode path = op.get("path");
    if (path == null || path.isNull()) {
      return List.of();
    }
    if (path.isTextual()) {
      return path.textValue().isEmpty() ? List.of() : List.of(path.textValue());
    }
    if (path.isArray()) {
      List<String> segments = new ArrayList<>(path.size());
      for (JsonNode segment : path) {
        if (!segment.isTextual()) {
          throw error("data did not match any variant of untagged enum MergePath");
        }
        segments.add(segment.textValue());
      }
      return segments;
    }
    throw error("data did not match any variant of untagged enum MergePath");
  }

  private static JsonNode optionalValue(JsonNode op) {
    JsonNode value = op.get("value");
    return value == null ? NullNode.getInstance() : value;
  }

  private static JsonNode requiredValue(JsonNode op) {
    JsonNode value = op.get("value");
    if (value == null) {
      throw error("missing field `value`");
    }
    return value;
  }

  private static long by(JsonNode op) {
    JsonNode by = op.get("by");
    if (by == null) {
      throw error("missing field `by`");
    }
    if (by.isIntegralNumber()) {
      if (by.canConvertToLong()) {
        return by.longValue();
      }
      throw error("invalid value: integer `" + by.bigIntegerValue() + "`, expected i64");
    }
    throw error("invalid type: " + unexpected(by) + ", expected i64");
  }

  // ---------------------------------------------------------------- messages

  /** How serde names an unexpected JSON value, e.g. {@code floating point `1.5`}. */
  private static String unexpected(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isBoolean()) {
      return "boolean `" + node.booleanValue() + "`";
    }
    if (node.isIntegralNumber()) {
      return "integer `" + node.bigIntegerValue() + "`";
    }
    if (node.isNumber()) {
      return "floating point `" + node.doubleValue() + "`";
    }
    if (node.isTextual()) {
      return "string " + Json.text(node);
    }
    if (node.isArray()) {
      return "sequence";
    }
    return "map";
  }

  private static StreamException error(String detail) {
    return new StreamException(StreamException.DESERIALIZATION_ERROR, detail);
  }
}
