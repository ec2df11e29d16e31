package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;

/**
 * Result of {@code stream::delete} with its version, from {@link Item#delete(WriteOptions)}. The
 * node is shared: treat it as read-only.
 *
 * @param oldValue the removed value, or Java null when the item did not exist (nothing was deleted)
 * @param version the group {@code seq} of the delete (for the repeat of an idempotency key, of the
 *     first call's); 0 when nothing was deleted. The item no longer exists either way, so a later
 *     conditional create expects {@code if_version} 0
 */
public record DeleteResult(JsonNode oldValue, long version) {
  /**
   * Whether an item was removed.
   *
   * @return {@code true} when the item existed
   */
  public boolean deleted() {
    return oldValue != null;
  }

  /**
   * The result as {@code stream::delete} returns it.
   *
   * @return a new object {@code {"old_value":…,"version":n}}, {@code old_value} JSON null when
   *     nothing was deleted
   */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.set("old_value", oldValue == null ? NullNode.getInstance() : oldValue);
    node.set("version", Json.integer(version));
    return node;
  }
}
