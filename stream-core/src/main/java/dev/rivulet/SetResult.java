package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;

/**
 * Result of {@code stream::set}. {@code oldValue} is Java {@code null} when the item did not exist
 * (a stored JSON null is a {@link NullNode}). The nodes are shared: treat them as read-only.
 *
 * @param oldValue the value before the set, or Java null when the item did not exist
 * @param newValue the value stored (a {@link NullNode} for a null value)
 */
public record SetResult(JsonNode oldValue, JsonNode newValue) {
  /**
   * The result as {@code stream::set} returns it.
   *
   * @return a new object {@code {"old_value":…,"new_value":…}}, {@code old_value} JSON null for a
   *     new item
   */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.set("old_value", oldValue == null ? NullNode.getInstance() : oldValue);
    node.set("new_value", newValue);
    return node;
  }
}
