package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What one committed write did to one item. {@code oldValue} is Java {@code null} when the item did
 * not exist (a stored JSON null is a {@code NullNode}); {@code newValue} is Java {@code null} after
 * a delete. {@code seq} is the group's sequence number assigned with the write (starting at 1);
 * {@code timestamp} is epoch milliseconds, strictly greater than the previous change's of the
 * group. A delete of a missing item commits nothing and is reported by {@link #nothing} with {@code
 * seq == 0}. A {@link StorageAdapter#send} commits a change without values.
 *
 * @param group the group written; never null
 * @param item the item written; may be null only for a {@link StorageAdapter#send} without an item
 * @param oldValue the value before the write, or Java {@code null} when the item did not exist
 * @param newValue the value after the write, or Java {@code null} after a delete and for a send
 * @param seq the group's sequence number assigned with the write (1 and up), or 0 when nothing was
 *     committed
 * @param timestamp epoch milliseconds of the commit, or 0 when nothing was committed
 */
public record Change(
    GroupKey group, String item, JsonNode oldValue, JsonNode newValue, long seq, long timestamp) {

  /**
   * Checks the components.
   *
   * @param group the group written; never null
   * @param item the item written; may be null only for a send without an item
   * @param oldValue the value before the write, or Java {@code null} when the item did not exist
   * @param newValue the value after the write, or Java {@code null} after a delete and for a send
   * @param seq the group's sequence number of the write, or 0 when nothing was committed
   * @param timestamp epoch milliseconds of the commit, or 0 when nothing was committed
   * @throws NullPointerException when {@code group} is null
   */
  public Change {
    Objects.requireNonNull(group, "group");
  }

  /**
   * A change that committed nothing (delete of a missing item): no values, {@code seq} and {@code
   * timestamp} 0. It must not be reported to the {@link EventSink}.
   *
   * @param group the group of the attempted write
   * @param item the item of the attempted write
   * @return a change whose {@link #committed()} is false
   */
  public static Change nothing(GroupKey group, String item) {
    return new Change(group, item, null, null, 0, 0);
  }

  /**
   * Whether the write committed (and so must be reported).
   *
   * @return {@code true} when {@code seq > 0}
   */
  public boolean committed() {
    return seq > 0;
  }

  /**
   * The event of a committed set, update or delete: {@code create} when there was no old value,
   * {@code delete} (with the removed value) when there is no new one, else {@code update}. A new
   * event object is built on every call: an adapter calls it once per commit and uses that one
   * object for its history and both sink methods.
   *
   * @return the event with this change's group, item, {@code seq} and timestamp
   * @throws IllegalStateException when the change did not commit or has no values (a send: use
   *     {@link #event(Notice)})
   */
  public Event event() {
    if (!committed() || (oldValue == null && newValue == null)) {
      throw new IllegalStateException("not a committed change of a value: " + this);
    }
    if (newValue == null) {
      return Event.change(group, item, Event.Kind.DELETE, oldValue, seq, timestamp);
    }
    Event.Kind kind = oldValue == null ? Event.Kind.CREATE : Event.Kind.UPDATE;
    return Event.change(group, item, kind, newValue, seq, timestamp);
  }

  /**
   * The event of a committed {@link StorageAdapter#send} that announced {@code notice}: {@code
   * notice}'s kind, type and data with this change's group, item, {@code seq} and timestamp.
   *
   * @param notice what the send announced; never null
   * @return a new event, built on every call
   * @throws IllegalStateException when the change did not commit
   */
  public Event event(Notice notice) {
    if (!committed()) {
      throw new IllegalStateException("not a committed change: " + this);
    }
    return notice.toEvent(group, item, seq, timestamp);
  }
}
