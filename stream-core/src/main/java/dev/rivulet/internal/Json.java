package dev.rivulet.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.spi.GroupKey;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson configuration of Rivulet: exact integers, key order as written. */
public final class Json {
  /** Shared, thread-safe mapper. Integers beyond 64 bits become {@code BigIntegerNode}. */
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** Parses UTF-8 JSON bytes. */
  public static JsonNode parse(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON text. */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes to UTF-8 bytes. */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes to a string. */
  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reference's wrapper message around one event, without the event's payload: {@code
   * {"type":"stream","timestamp":…,"streamName":…,"groupId":…,"id":item-or-null,
   * "event":{"type":eventType}}}. Callers add to the {@code event} object, which is returned.
   */
  public static ObjectNode wrapper(
      ObjectNode root, long timestamp, GroupKey group, String itemId, String eventType) {
    root.put("type", "stream");
    root.put("timestamp", timestamp);
    root.put("streamName", group.stream());
    root.put("groupId", group.group());
    if (itemId == null) {
      root.putNull("id");
    } else {
      root.put("id", itemId);
    }
    return root.putObject("event").put("type", eventType);
  }

  /** The type name the reference uses in messages: null, boolean, number, string, array, object. */
  public static String typeName(JsonNode node) {
    if (node == null) {
      return "null";
    }
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case NULL, MISSING -> "null";
      case BOOLEAN -> "boolean";
      case NUMBER -> "number";
      case STRING, BINARY -> "string";
      case ARRAY -> "array";
      case OBJECT, POJO -> "object";
    };
  }
}
