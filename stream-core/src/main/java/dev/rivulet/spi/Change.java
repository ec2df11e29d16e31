package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What one committed write did to one item. {@code oldValue} is Java {@code null} when the item did
 * not exist (a stored JSON null is a {@code NullNode}); {@code newValue} is Java {@code null} after
 * a delete. {@code seq} is the group's sequence number assigned with the write (starting at 1);
 * {@code timestamp} is epoch milliseconds, strictly greater than the previous change's of the
 * group. A delete of a missing item commits nothing and is reported by {@link #nothing} with {@code
 * seq == 0}.
 */
public record Change(
    GroupKey group, String item, JsonNode oldValue, JsonNode newValue, long seq, long timestamp) {

  public Change {
    Objects.requireNonNull(group, "group");
  }

  /** A change that committed nothing (delete of a missing item). */
  public static Change nothing(GroupKey group, String item) {
    return new Change(group, item, null, null, 0, 0);
  }

  /** Whether the write committed (and so must be published). */
  public boolean committed() {
    return seq > 0;
  }
}
