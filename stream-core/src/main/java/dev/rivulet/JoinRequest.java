package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.util.Objects;

/**
 * A subscriber joining or leaving a group or item, as {@code stream:join}/{@code stream:leave}
 * handlers see it. {@code itemId} and {@code context} may be null.
 *
 * @param subscriptionId the subscription's id, as the subscriber named it; not null
 * @param streamName the stream of the subscription; not null
 * @param groupId the group of the subscription; not null
 * @param itemId the item of an item subscription, or null for a whole group
 * @param context what the server's auth function returned for the connection, or null
 */
public record JoinRequest(
    String subscriptionId, String streamName, String groupId, String itemId, JsonNode context) {

  /**
   * Checks the required components.
   *
   * @param subscriptionId the subscription's id; not null
   * @param streamName the stream of the subscription; not null
   * @param groupId the group of the subscription; not null
   * @param itemId the item of an item subscription, or null
   * @param context the connection's auth context, or null
   * @throws NullPointerException when {@code subscriptionId}, {@code streamName} or {@code groupId}
   *     is null
   */
  public JoinRequest {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(groupId, "groupId");
  }

  /**
   * Reads the handler payload back (see {@link #toJson()}). A JSON null {@code id} or {@code
   * context} becomes Java null.
   *
   * @param payload a join/leave payload
   * @return the request it describes
   * @throws StreamException {@code deserialization_error} when a required field is missing
   */
  public static JoinRequest fromJson(JsonNode payload) {
    try {
      JsonNode id = payload.get("id");
      JsonNode context = payload.get("context");
      return new JoinRequest(
          payload.get("subscription_id").textValue(),
          payload.get("stream_name").textValue(),
          payload.get("group_id").textValue(),
          id == null || id.isNull() ? null : id.textValue(),
          context == null || context.isNull() ? null : context);
    } catch (RuntimeException e) {
      throw new StreamException(
          StreamException.DESERIALIZATION_ERROR, "Not a join/leave payload: " + payload, e);
    }
  }

  /**
   * The snake_case handler payload {@code {"subscription_id","stream_name","group_id","id",
   * "context"}}.
   *
   * @return a new object; {@code id} and {@code context} are always present (JSON null when absent)
   */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("subscription_id", subscriptionId);
    node.put("stream_name", streamName);
    node.put("group_id", groupId);
    if (itemId == null) {
      node.putNull("id");
    } else {
      node.put("id", itemId);
    }
    node.set("context", context == null ? NullNode.getInstance() : context);
    return node;
  }
}
