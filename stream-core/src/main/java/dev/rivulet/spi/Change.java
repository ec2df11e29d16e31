package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import java.util.Objects;

/**
 * What one committed write did to one item. {@code oldValue} is Java {@code null} when the item did
 * not exist (a stored JSON null is a {@code NullNode}); {@code newValue} is Java {@code null} after
 * a delete. {@code seq} is the group's sequence number assigned with the write (starting at 1);
 * {@code timestamp} is epoch milliseconds, strictly greater than the previous change's of the
 * group. A delete of a missing item commits nothing and is reported by {@link #nothing} with {@code
 * seq == 0}. A {@link StorageAdapter#send} commits a change without values.
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

  /** Whether the write committed (and so must be reported). */
  public boolean committed() {
    return seq > 0;
  }

  /**
   * The event of a committed set, update or delete: {@code create} when there was no old value,
   * {@code delete} (with the removed value) when there is no new one, else {@code update}.
   */
  public StreamEvent event() {
    if (!committed() || (oldValue == null && newValue == null)) {
      throw new IllegalStateException("not a committed change of a value: " + this);
    }
    if (newValue == null) {
      return StreamEvent.change(group, item, StreamEvent.Kind.DELETE, oldValue, seq, timestamp);
    }
    StreamEvent.Kind kind = oldValue == null ? StreamEvent.Kind.CREATE : StreamEvent.Kind.UPDATE;
    return StreamEvent.change(group, item, kind, newValue, seq, timestamp);
  }

  /** The event of a committed {@link StorageAdapter#send} that announced {@code notice}. */
  public StreamEvent event(Notice notice) {
    if (!committed()) {
      throw new IllegalStateException("not a committed change: " + this);
    }
    return notice.toEvent(group, item, seq, timestamp);
  }
}
