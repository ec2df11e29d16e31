package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.util.Objects;

/**
 * A live WebSocket subscriber of a group, as {@code stream::presence} and {@link Group#presence()}
 * list it: a join of the whole group or of one of its items that the join triggers allowed and that
 * has not left yet, on any instance (Redis) or in this process (in-memory and kv stores).
 *
 * @param subscriptionId the subscription id the subscriber chose; unique per connection only, so
 *     two connections may show the same one
 * @param itemId the joined item (the join's {@code id}), or null for a join of the whole group
 * @param context what the server's auth function returned for the connection, or null
 * @param joinedAt when the join was accepted, epoch milliseconds
 */
public record Presence(String subscriptionId, String itemId, JsonNode context, long joinedAt) {

  /**
   * Checks the required component.
   *
   * @param subscriptionId the subscription id; not null
   * @param itemId the joined item, or null
   * @param context the auth context, or null
   * @param joinedAt epoch milliseconds
   * @throws NullPointerException when {@code subscriptionId} is null
   */
  public Presence {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
  }

  /**
   * The entry as {@code stream::presence} returns it.
   *
   * @return a new object {@code {"subscription_id","id","context","joined_at"}}; {@code id} and
   *     {@code context} are JSON null when absent
   */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("subscription_id", subscriptionId);
    node.put("id", itemId);
    node.set("context", context == null ? NullNode.getInstance() : context);
    node.put("joined_at", joinedAt);
    return node;
  }

  /**
   * A subscriber's place in its group's presence, from {@link StreamEngine#present}; closing it
   * removes the entry.
   */
  public interface Registration extends AutoCloseable {
    /** Removes the entry (on every instance); idempotent, never throws. */
    @Override
    void close();
  }
}
