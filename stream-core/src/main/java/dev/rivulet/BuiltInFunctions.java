package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.GroupKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The nine {@code stream::*} functions: decode the JSON input, call the typed operation. */
final class BuiltInFunctions {
  private BuiltInFunctions() {}

  static Map<String, StreamFunction> of(EngineCore core) {
    Map<String, StreamFunction> map = new LinkedHashMap<>();
    map.put(
        "stream::set",
        input -> {
          Inputs in = Inputs.of("stream::set", input);
          GroupKey group = group(in);
          String item = in.name("item_id");
          return core.set(group, item, in.required("data"), options(in, true)).toJson();
        });
    map.put(
        "stream::get",
        input -> {
          Inputs in = Inputs.of("stream::get", input);
          GroupKey group = group(in);
          return core.get(group, in.name("item_id"));
        });
    map.put(
        "stream::delete",
        input -> {
          Inputs in = Inputs.of("stream::delete", input);
          GroupKey group = group(in);
          String item = in.name("item_id");
          return core.delete(group, item, options(in, true)).toJson();
        });
    map.put(
        "stream::list",
        input -> {
          Inputs in = Inputs.of("stream::list", input);
          ArrayNode result = Json.array();
          core.list(group(in)).forEach(result::add);
          return result;
        });
    map.put(
        "stream::list_groups",
        input -> {
          Inputs in = Inputs.of("stream::list_groups", input);
          ArrayNode result = Json.array();
          core.listGroups(in.name("stream_name")).forEach(result::add);
          return result;
        });
    map.put(
        "stream::list_all",
        input -> {
          Inputs.of("stream::list_all", input);
          return listAll(core);
        });
    map.put(
        "stream::send",
        input -> {
          Inputs in = Inputs.of("stream::send", input);
          GroupKey group = group(in);
          String type = in.string("type");
          JsonNode data = in.required("data");
          core.send(group, in.optionalName("id"), type, data, options(in, false));
          return NullNode.getInstance();
        });
    map.put(
        "stream::update",
        input -> {
          Inputs in = Inputs.of("stream::update", input);
          GroupKey group = group(in);
          String item = in.name("item_id");
          List<UpdateOp> ops;
          try {
            ops = UpdateOpCodec.decodeList(in.required("ops"));
          } catch (StreamException e) {
            throw e.code().equals(StreamException.DESERIALIZATION_ERROR)
                ? Inputs.deserialization("stream::update", e.getMessage())
                : e;
          }
          return core.update(group, item, ops, options(in, true)).toJson();
        });
    map.put(
        "stream::presence",
        input -> {
          Inputs in = Inputs.of("stream::presence", input);
          ArrayNode result = Json.array();
          core.presence(group(in)).forEach(p -> result.add(p.toJson()));
          return result;
        });
    return map;
  }

  /**
   * {@code if_version} (set, update, delete) and {@code idempotency_key} (those and send), both
   * optional; {@code if_version} is ignored by send like any unknown field.
   */
  private static WriteOptions options(Inputs in, boolean versioned) {
    WriteOptions options = WriteOptions.none();
    Long version = versioned ? in.optionalLong("if_version") : null;
    if (version != null) {
      if (version < 0) {
        throw in.invalid("if_version must be at least 0, got " + version);
      }
      options = options.withIfVersion(version);
    }
    String key = in.optionalKey("idempotency_key", WriteOptions.MAX_IDEMPOTENCY_KEY_BYTES);
    return key == null ? options : options.withIdempotencyKey(key);
  }

  private static GroupKey group(Inputs in) {
    return new GroupKey(in.name("stream_name"), in.name("group_id"));
  }

  private static ObjectNode listAll(EngineCore core) {
    ObjectNode result = Json.object();
    ArrayNode streams = result.putArray("stream");
    core.listAll()
        .forEach(
            (stream, groups) -> {
              ObjectNode entry = streams.addObject();
              entry.put("id", stream);
              ArrayNode ids = entry.putArray("groups");
              groups.forEach(ids::add);
            });
    result.put("count", streams.size());
    return result;
  }
}
