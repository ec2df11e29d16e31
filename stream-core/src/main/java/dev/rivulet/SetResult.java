package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;

/**
 * Result of {@code stream::set}. {@code oldValue} is Java {@code null} when the item did not exist
 * (a stored JSON null is a {@link NullNode}). The nodes are shared: treat them as read-only.
 */
public record SetResult(JsonNode oldValue, JsonNode newValue) {
  /** {@code {"old_value":…,"new_value":…}}. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.set("old_value", oldValue == null ? NullNode.getInstance() : oldValue);
    node.set("new_value", newValue);
    return node;
  }
}
