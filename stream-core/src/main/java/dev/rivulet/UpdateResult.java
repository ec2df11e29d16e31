package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.util.List;

/**
 * Result of {@code stream::update}. {@code oldValue} is Java {@code null} when the item did not
 * exist. The JSON nodes are shared with the store and with events: treat them as read-only.
 *
 * @param oldValue the value before the update, or Java null when the item did not exist
 * @param newValue the value written by the update (never Java null from the engine)
 * @param errors the skipped ops, in op order; empty when every op applied (copied, unmodifiable)
 * @param version the item's version after the update: the group {@code seq} of this change (for the
 *     repeat of an idempotency key, of the first call's)
 */
public record UpdateResult(
    JsonNode oldValue, JsonNode newValue, List<UpdateOpError> errors, long version) {
  /**
   * Copies {@code errors}.
   *
   * @param oldValue the value before the update, or null when the item did not exist
   * @param newValue the value written
   * @param errors the skipped ops, in op order; not null
   * @param version the item's version after the update
   * @throws NullPointerException when {@code errors} is or holds null
   */
  public UpdateResult {
    errors = List.copyOf(errors);
  }

  /**
   * A result without a version (0), as an override function's answer is read.
   *
   * @param oldValue the value before the update, or null when the item did not exist
   * @param newValue the value written
   * @param errors the skipped ops, in op order; not null
   * @throws NullPointerException when {@code errors} is or holds null
   */
  public UpdateResult(JsonNode oldValue, JsonNode newValue, List<UpdateOpError> errors) {
    this(oldValue, newValue, errors, 0);
  }

  /**
   * The result as {@code stream::update} returns it.
   *
   * @return a new object {@code {"old_value":…,"new_value":…,"version":n,"errors":[…]}}, {@code
   *     old_value} JSON null for a new item, {@code errors} omitted when empty
   */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.set("old_value", oldValue == null ? NullNode.getInstance() : oldValue);
    node.set("new_value", newValue);
    node.set("version", Json.integer(version));
    if (!errors.isEmpty()) {
      ArrayNode array = node.putArray("errors");
      errors.forEach(e -> array.add(e.toJson()));
    }
    return node;
  }
}
