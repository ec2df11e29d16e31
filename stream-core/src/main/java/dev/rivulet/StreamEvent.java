package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import dev.rivulet.internal.Wire;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import java.util.Locale;
import java.util.Objects;

/**
 * One committed change of a group (create, update, delete, or a custom event from {@code
 * stream::send}), with the group's {@code seq} and a timestamp that strictly increases with it.
 *
 * <p>Its JSON is the reference's wrapper message plus {@code seq}: {@code
 * {"type":"stream","timestamp":…,"streamName":s,"groupId":g,"id":item-or-null,
 * "event":{…},"seq":n}}. The JSON is built and serialized at most once per event and then shared by
 * every trigger and subscriber; treat {@link #toJson()} and {@link #data()} as read-only.
 */
public final class StreamEvent {

  /** What happened. */
  public enum Kind {
    /** An item that did not exist was stored; {@code data} is its value. */
    CREATE,
    /** An existing item was replaced; {@code data} is its new value. */
    UPDATE,
    /** An item was removed; {@code data} is the removed value. */
    DELETE,
    /** A custom event from {@code stream::send}; nothing was stored. */
    EVENT;

    /**
     * The lowercase wire name.
     *
     * @return {@code create}, {@code update}, {@code delete} or {@code event}
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Event event;
  private final Kind kind;
  private volatile ObjectNode json;
  private volatile byte[] bytes;

  private StreamEvent(Event event) {
    this.event = event;
    this.kind =
        switch (event.kind()) {
          case CREATE -> Kind.CREATE;
          case UPDATE -> Kind.UPDATE;
          case DELETE -> Kind.DELETE;
          case EVENT -> Kind.EVENT;
        };
  }

  /** The engine's view of a committed SPI event; the engine builds one per event (EventViews). */
  static StreamEvent of(Event event) {
    return new StreamEvent(event);
  }

  /** The SPI event this one shows. */
  Event spi() {
    return event;
  }

  /**
   * A create, update or delete of {@code itemId}; {@code data} is the new value (the removed value
   * for a delete).
   *
   * @param group the group; never null
   * @param itemId the item; never null
   * @param kind {@link Kind#CREATE}, {@link Kind#UPDATE} or {@link Kind#DELETE}
   * @param data the value; Java {@code null} becomes JSON null
   * @param seq the group's {@code seq} of the change
   * @param timestamp the change's timestamp, epoch milliseconds
   * @return the event
   * @throws IllegalArgumentException for {@link Kind#EVENT} (use {@link #custom})
   * @throws NullPointerException when {@code group}, {@code itemId} or {@code kind} is null
   */
  public static StreamEvent change(
      GroupKey group, String itemId, Kind kind, JsonNode data, long seq, long timestamp) {
    if (kind == Kind.EVENT) {
      throw new IllegalArgumentException("use StreamEvent.custom for EVENT");
    }
    Event.Kind spiKind =
        switch (Objects.requireNonNull(kind, "kind")) {
          case CREATE -> Event.Kind.CREATE;
          case UPDATE -> Event.Kind.UPDATE;
          default -> Event.Kind.DELETE;
        };
    return new StreamEvent(Event.change(group, itemId, spiKind, data, seq, timestamp));
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
  public static StreamEvent custom(
      GroupKey group, String itemId, String eventType, JsonNode data, long seq, long timestamp) {
    return new StreamEvent(Event.custom(group, itemId, eventType, data, seq, timestamp));
  }

  /**
   * Reads the wire form back (as a cross-instance transport receives it). A missing {@code seq} or
   * {@code timestamp} reads as 0. When {@code json} is an object node it is kept as this event's
   * {@link #toJson()}, so the caller must not modify it afterwards.
   *
   * @param json the wrapper message of {@link #toJson()}
   * @return the event
   * @throws StreamException {@code deserialization_error} when it is not a change event
   */
  public static StreamEvent fromJson(JsonNode json) {
    try {
      GroupKey group = new GroupKey(text(json, "streamName"), text(json, "groupId"));
      JsonNode id = json.get("id");
      String itemId = id == null || id.isNull() ? null : id.textValue();
      JsonNode event = json.get("event");
      Kind kind = Kind.valueOf(text(event, "type").toUpperCase(Locale.ROOT));
      long seq = json.path("seq").asLong(0);
      long timestamp = json.path("timestamp").asLong(0);
      StreamEvent result =
          kind == Kind.EVENT
              ? custom(
                  group,
                  itemId,
                  text(event.get("event"), "type"),
                  event.get("event").get("data"),
                  seq,
                  timestamp)
              : change(group, itemId, kind, event.get("data"), seq, timestamp);
      if (json instanceof ObjectNode object) {
        result.json = object;
      }
      return result;
    } catch (RuntimeException e) {
      throw new StreamException(
          StreamException.DESERIALIZATION_ERROR, "Not a stream event: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("missing string field " + field);
    }
    return value.textValue();
  }

  /**
   * The event's (stream, group).
   *
   * @return the group key; never null
   */
  public GroupKey group() {
    return event.group();
  }

  /**
   * The stream name.
   *
   * @return {@code group().stream()}
   */
  public String streamName() {
    return event.group().stream();
  }

  /**
   * The group id.
   *
   * @return {@code group().group()}
   */
  public String groupId() {
    return event.group().group();
  }

  /**
   * The item the event concerns.
   *
   * @return the item id, or {@code null} for a custom event sent without one
   */
  public String itemId() {
    return event.itemId();
  }

  /**
   * What happened.
   *
   * @return the kind; never null
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The custom event type.
   *
   * @return the type of a {@link Kind#EVENT}, else {@code null}
   */
  public String eventType() {
    return event.eventType();
  }

  /**
   * The event's value; shared, treat it as read-only.
   *
   * @return new value (create/update), removed value (delete) or custom payload (event); never Java
   *     null (JSON null instead)
   */
  public JsonNode data() {
    return event.data();
  }

  /**
   * The group's sequence number of this change.
   *
   * @return the {@code seq}, 1 and up for a committed change
   */
  public long seq() {
    return event.seq();
  }

  /**
   * When the change committed.
   *
   * @return epoch milliseconds, strictly increasing with {@link #seq()} within the group
   */
  public long timestamp() {
    return event.timestamp();
  }

  /**
   * The wrapper message, built once (thread-safe) and shared: treat it as read-only.
   *
   * @return the same JSON object on every call
   */
  public ObjectNode toJson() {
    ObjectNode result = json;
    if (result == null) {
      synchronized (this) {
        result = json;
        if (result == null) {
          result = buildJson();
          json = result;
        }
      }
    }
    return result;
  }

  /**
   * The wrapper message as UTF-8 JSON, serialized once (thread-safe) and shared: do not modify the
   * array.
   *
   * @return the same bytes on every call
   */
  public byte[] toJsonBytes() {
    byte[] result = bytes;
    if (result == null) {
      synchronized (this) {
        result = bytes;
        if (result == null) {
          result = Json.bytes(toJson());
          bytes = result;
        }
      }
    }
    return result;
  }

  private ObjectNode buildJson() {
    return Wire.event(
        event.group().stream(),
        event.group().group(),
        event.itemId(),
        kind.wireName(),
        event.eventType(),
        event.data(),
        event.seq(),
        event.timestamp());
  }

  @Override
  public String toString() {
    return "StreamEvent{"
        + event.group()
        + ", id="
        + event.itemId()
        + ", "
        + kind
        + ", seq="
        + event.seq()
        + "}";
  }
}
