package dev.rivulet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/**
 * The one owner of Rivulet's wire messages (docs/PROTOCOL.md): the stream message around an event,
 * the {@code sync} and {@code unauthorized} messages of the WebSocket protocol, and the {@code
 * {"code","message"}} error body of HTTP invoke, and the per-op error of {@code stream::update}.
 * Used by the core's value types and by the WebSocket binding, so each shape is written in one
 * place. Takes plain values, not API types.
 */
public final class Wire {
  private Wire() {}

  /**
   * A change or custom event: {@code {"type":"stream","timestamp","streamName","groupId","id",
   * "event":{"type":kind,"data":data},"seq"}}; a custom event ({@code eventType} non-null) nests
   * {@code "event":{"type":"event","event":{"type":eventType,"data":data}}}.
   */
  public static ObjectNode event(
      String stream,
      String group,
      String itemId,
      String kind,
      String eventType,
      JsonNode data,
      long seq,
      long timestamp) {
    ObjectNode node = Json.object();
    ObjectNode event = wrapper(node, timestamp, stream, group, itemId, kind);
    if (eventType != null) {
      ObjectNode inner = event.putObject("event");
      inner.put("type", eventType);
      inner.set("data", data);
    } else {
      event.set("data", data);
    }
    node.put("seq", seq);
    return node;
  }

  /**
   * The {@code sync} message of a snapshot: {@code event: {type: sync, data}} and {@code seq}; a
   * group sync lists its {@code itemIds} when given (null: not known).
   */
  public static ObjectNode sync(
      String stream,
      String group,
      String itemId,
      JsonNode data,
      long seq,
      long timestamp,
      Collection<String> itemIds) {
    ObjectNode node = Json.object();
    wrapper(node, timestamp, stream, group, itemId, "sync").set("data", data);
    node.put("seq", seq);
    if (itemIds != null) {
      ArrayNode ids = node.putArray("itemIds");
      itemIds.forEach(ids::add);
    }
    return node;
  }

  /** The answer to a refused join: {@code event: {type: unauthorized}}, no seq. */
  public static ObjectNode unauthorized(
      String stream, String group, String itemId, long timestamp) {
    ObjectNode node = Json.object();
    wrapper(node, timestamp, stream, group, itemId, "unauthorized");
    return node;
  }

  /**
   * An error body {@code {"code","message"}}, with {@code "outcome"} ({@code unknown} or {@code
   * not_applied}) when given.
   */
  public static ObjectNode error(String code, String message, String outcome) {
    ObjectNode node = Json.object().put("code", code).put("message", message);
    if (outcome != null) {
      node.put("outcome", outcome);
    }
    return node;
  }

  /** A failed op of an update: {@code {"op_index","code","message","doc_url"}}. */
  public static ObjectNode opError(int opIndex, String code, String message, String docUrl) {
    ObjectNode node = Json.object();
    node.put("op_index", opIndex);
    node.put("code", code);
    node.put("message", message);
    node.put("doc_url", docUrl);
    return node;
  }

  /**
   * The reference's wrapper message around one event, without the event's payload: {@code
   * {"type":"stream","timestamp":…,"streamName":…,"groupId":…,"id":item-or-null,
   * "event":{"type":eventType}}}. Returns the {@code event} object.
   */
  private static ObjectNode wrapper(
      ObjectNode root, long timestamp, String stream, String group, String itemId, String type) {
    root.put("type", "stream");
    root.put("timestamp", timestamp);
    root.put("streamName", stream);
    root.put("groupId", group);
    if (itemId == null) {
      root.putNull("id");
    } else {
      root.put("id", itemId);
    }
    return root.putObject("event").put("type", type);
  }
}
