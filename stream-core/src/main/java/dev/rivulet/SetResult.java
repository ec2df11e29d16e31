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
 * @param version the item's version after the set: the group {@code seq} of this change (for the
 *     repeat of an idempotency key, of the first call's), the {@code if_version} a later
 *     conditional write of this value expects
 */
public record SetResult(JsonNode oldValue, JsonNode newValue, long version) {
  /**
   * A result without a version (0), as an override function's answer is read.
   *
   * @param oldValue the value before the set, or Java null when the item did not exist
   * @param newValue the value stored
   */
  public SetResult(JsonNode oldValue, JsonNode newValue) {
    this(oldValue, newValue, 0);
  }

  /**
   * The result as {@code stream::set} returns it.
   *
   * @return a new object {@code {"old_value":…,"new_value":…,"version":n}}, {@code old_value} JSON
   *     null for a new item
   */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.set("old_value", oldValue == null ? NullNode.getInstance() : oldValue);
    node.set("new_value", newValue);
    node.set("version", Json.integer(version));
    return node;
  }
}
