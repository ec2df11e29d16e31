package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A consistent view of one group: its items in list (creation) order, the {@code seq} of the last
 * change it includes (0 for a group that never changed) and that change's timestamp.
 */
public record GroupSnapshot(GroupKey group, List<Item> items, long seq, long timestamp) {
  public GroupSnapshot {
    Objects.requireNonNull(group, "group");
    items = List.copyOf(items);
  }

  /** One item of a snapshot. */
  public record Item(String id, JsonNode value) {
    public Item {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(value, "value");
    }
  }

  /** The value of one item, or Java {@code null} when the snapshot does not hold it. */
  public JsonNode value(String id) {
    for (Item item : items) {
      if (item.id().equals(id)) {
        return item.value();
      }
    }
    return null;
  }
}
