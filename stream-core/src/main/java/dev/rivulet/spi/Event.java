package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One committed event of a group as the SPI carries it: what an adapter builds at a commit ({@link
 * Change#event()}, {@link Change#event(Notice)}), keeps in its history, reports to the {@link
 * EventSink} and replays from {@link StorageAdapter#eventsSince}. The engine hands it to
 * subscribers and triggers as a {@code dev.rivulet.StreamEvent}, built once per event, which also
 * owns the event's JSON.
 *
 * @param group the event's (stream, group); never null
 * @param itemId the item the event concerns; never null for a create, update or delete, and for a
 *     custom event the optional item filter (may be null)
 * @param kind what happened; never null
 * @param eventType the custom event type, non-null exactly for {@link Kind#EVENT}
 * @param data new value (create, update), removed value (delete) or custom payload (event); Java
 *     {@code null} becomes JSON null; shared, treat it as read-only
 * @param seq the group's sequence number of the commit, 1 and up
 * @param timestamp the commit's epoch milliseconds, strictly increasing with {@code seq} within the
 *     group
 */
public record Event(
    GroupKey group,
    String itemId,
    Kind kind,
    String eventType,
    JsonNode data,
    long seq,
    long timestamp) {

  /** What happened; the same constants as {@code StreamEvent.Kind}. */
  public enum Kind {
    /** An item that did not exist was stored; {@code data} is its value. */
    CREATE,
    /** An existing item was replaced; {@code data} is its new value. */
    UPDATE,
    /** An item was removed; {@code data} is the removed value. */
    DELETE,
    /** A custom event from {@code stream::send}; nothing was stored. */
    EVENT
  }

  /**
   * Checks the components.
   *
   * @param group the event's (stream, group); never null
   * @param itemId the item; never null unless {@code kind} is {@link Kind#EVENT}
   * @param kind what happened; never null
   * @param eventType the custom event type: non-null exactly when {@code kind} is {@link
   *     Kind#EVENT}
   * @param data the payload; Java {@code null} becomes JSON null
   * @param seq the group's sequence number of the commit
   * @param timestamp the commit's epoch milliseconds
   * @throws NullPointerException when {@code group} or {@code kind} is null, or {@code itemId} is
   *     null for a create, update or delete
   * @throws IllegalArgumentException when {@code eventType} does not match {@code kind}
   */
  public Event {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.EVENT) {
      Objects.requireNonNull(itemId, "itemId");
    }
    if ((kind == Kind.EVENT) != (eventType != null)) {
      throw new IllegalArgumentException("eventType is required for EVENT and only for it");
    }
    data = data == null ? NullNode.getInstance() : data;
  }

  /**
   * A create, update or delete of {@code itemId}.
   *
   * @param group the group; never null
   * @param itemId the item; never null
   * @param kind {@link Kind#CREATE}, {@link Kind#UPDATE} or {@link Kind#DELETE}
   * @param data the new value (the removed value for a delete); Java {@code null} becomes JSON null
   * @param seq the group's {@code seq} of the change
   * @param timestamp the change's timestamp, epoch milliseconds
   * @return the event
   * @throws IllegalArgumentException for {@link Kind#EVENT} (use {@link #custom})
   * @throws NullPointerException when {@code group}, {@code itemId} or {@code kind} is null
   */
  public static Event change(
      GroupKey group, String itemId, Kind kind, JsonNode data, long seq, long timestamp) {
    if (kind == Kind.EVENT) {
      throw new IllegalArgumentException("use custom(..) for EVENT");
    }
    return new Event(group, itemId, kind, null, data, seq, timestamp);
  }

  /**
   * A custom event of {@code stream::send}.
   *
   * @param group the group; never null
   * @param itemId the optional item filter, or null
   * @param eventType the custom event type; never null
   * @param data the payload; Java {@code null} becomes JSON null
   * @param seq the group's {@code seq} of the commit
   * @param timestamp the commit's timestamp, epoch milliseconds
   * @return the event, of kind {@link Kind#EVENT}
   * @throws NullPointerException when {@code group} or {@code eventType} is null
   */
  public static Event custom(
      GroupKey group, String itemId, String eventType, JsonNode data, long seq, long timestamp) {
    Objects.requireNonNull(eventType, "eventType");
    return new Event(group, itemId, Kind.EVENT, eventType, data, seq, timestamp);
  }

  /**
   * A short form without the data (which may be large).
   *
   * @return {@code Event{group, id=…, KIND, seq=…}}
   */
  @Override
  public String toString() {
    return "Event{" + group + ", id=" + itemId + ", " + kind + ", seq=" + seq + "}";
  }
}
