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
 */
public record UpdateResult(JsonNode oldValue, JsonNode newValue, List<UpdateOpError> errors) {
  public UpdateResult {
    errors = List.copyOf(errors);
  }

  /** {@code {"old_value":…,"new_value":…,"errors":[…]}} with {@code errors} omitted when empty. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.set("old_value", oldValue == null ? NullNode.getInstance() : oldValue);
    node.set("new_value", newValue);
    if (!errors.isEmpty()) {
      ArrayNode array = node.putArray("errors");
      errors.forEach(e -> array.add(e.toJson()));
    }
    return node;
  }
}
