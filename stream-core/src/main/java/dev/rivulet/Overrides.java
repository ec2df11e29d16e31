package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.GroupKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-stream override functions {@code stream::<op>(<stream>)}: calling them and reading their
 * results the way the reference does (facts §1.3).
 */
final class Overrides {
  private final FunctionTable functions;

  Overrides(FunctionTable functions) {
    this.functions = functions;
  }

  StreamFunction find(String op, String stream) {
    return functions.override(op, stream);
  }

  static ObjectNode input(GroupKey group) {
    ObjectNode input = Json.object();
    input.put("stream_name", group.stream());
    input.put("group_id", group.group());
    return input;
  }

  static ObjectNode input(GroupKey group, String item) {
    return input(group).put("item_id", item);
  }

  /** get/list/list_groups: the result verbatim; a failure keeps its code. */
  JsonNode read(StreamFunction function, String code, String verb, JsonNode input) {
    try {
      return function.call(input);
    } catch (StreamException e) {
      throw e;
    } catch (Exception e) {
      throw new StreamException(code, "Failed to " + verb + ": " + e.getMessage(), e);
    }
  }

  SetResult set(StreamFunction function, GroupKey group, String item, JsonNode value) {
    ObjectNode input = input(group, item);
    input.set("data", value);
    JsonNode result = write(function, "STREAM_SET_ERROR", "set value", input);
    return new SetResult(optional(result, "old_value"), required(result, "new_value"));
  }

  JsonNode delete(StreamFunction function, GroupKey group, String item) {
    JsonNode result = write(function, "STREAM_DELETE_ERROR", "delete value", input(group, item));
    return optional(result, "old_value");
  }

  UpdateResult update(StreamFunction function, GroupKey group, String item, List<UpdateOp> ops) {
    ObjectNode input = input(group, item);
    ArrayNode encoded = input.putArray("ops");
    ops.forEach(op -> encoded.add(op.toJson()));
    JsonNode result = write(function, "STREAM_UPDATE_ERROR", "update value", input);
    List<UpdateOpError> errors = new ArrayList<>();
    for (JsonNode error : result.path("errors")) {
      errors.add(
          new UpdateOpError(
              error.path("op_index").asInt(),
              error.path("code").asText(),
              error.path("message").asText()));
    }
    return new UpdateResult(optional(result, "old_value"), required(result, "new_value"), errors);
  }

  /** Array results as a list (a non-array result counts as one value). */
  static List<JsonNode> elements(JsonNode result) {
    if (!result.isArray()) {
      return List.of(result);
    }
    List<JsonNode> list = new ArrayList<>(result.size());
    result.forEach(list::add);
    return list;
  }

  private static JsonNode write(StreamFunction function, String code, String verb, JsonNode in) {
    JsonNode result;
    try {
      result = function.call(in);
    } catch (Exception e) {
      throw new StreamException(
          code, "Failed to " + verb + ": Failed to invoke function: " + e.getMessage(), e);
    }
    if (result == null) {
      throw new StreamException(code, "Failed to " + verb + ": Function returned no result");
    }
    if (!result.isObject()) {
      throw jsonError("invalid type: " + Inputs.describe(result) + ", expected a JSON object");
    }
    return result;
  }

  private static JsonNode optional(JsonNode result, String field) {
    JsonNode value = result.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static JsonNode required(JsonNode result, String field) {
    JsonNode value = result.get(field);
    if (value == null) {
      throw jsonError("missing field `" + field + "`");
    }
    return value;
  }

  private static StreamException jsonError(String detail) {
    return new StreamException("JSON_ERROR", "Failed to convert result to value: " + detail);
  }
}
