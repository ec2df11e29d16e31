package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A consistent view of one group: its items in list (creation) order, the {@code seq} of the last
 * change it includes (0 for a group that never changed) and that change's timestamp.
 *
 * @param group the group; never null
 * @param items the items in list (creation) order; copied, an unmodifiable list
 * @param seq the {@code seq} of the last change included, 0 for a group that never changed
 * @param timestamp that change's timestamp (epoch milliseconds), 0 for a group that never changed
 */
public record GroupSnapshot(GroupKey group, List<Item> items, long seq, long timestamp) {
  /**
   * Checks the components and copies {@code items}.
   *
   * @param group the group; never null
   * @param items the items in list order; never null, no null elements
   * @param seq the {@code seq} of the last change included
   * @param timestamp that change's timestamp
   * @throws NullPointerException when {@code group}, {@code items} or an element is null
   */
  public GroupSnapshot {
    Objects.requireNonNull(group, "group");
    items = List.copyOf(items);
  }

  /**
   * One item of a snapshot.
   *
   * @param id the item id; never null
   * @param value the stored value (a stored JSON null is a {@code NullNode}); never Java null
   */
  public record Item(String id, JsonNode value) {
    /**
     * Checks the components.
     *
     * @param id the item id; never null
     * @param value the stored value; never Java null
     * @throws NullPointerException when either is null
     */
    public Item {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * The value of one item (a linear search of {@link #items()}).
   *
   * @param id the item id
   * @return its value, or Java {@code null} when the snapshot does not hold it
   */
  public JsonNode value(String id) {
    for (Item item : items) {
      if (item.id().equals(id)) {
        return item.value();
      }
    }
    return null;
  }
}
