package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.GroupKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A group of a stream: the unit of ordering ({@code seq}) and of subscription. A cheap, immutable,
 * thread-safe handle; see {@link Stream#group(String)}.
 */
public final class Group {
  private final EngineCore core;
  private final Values values;
  private final Stream stream;
  private final GroupKey key;

  Group(EngineCore core, Values values, Stream stream, String id) {
    this.core = core;
    this.values = values;
    this.stream = stream;
    this.key = new GroupKey(stream.name(), Inputs.checkName("group", "group_id", id));
  }

  /**
   * The stream this group belongs to.
   *
   * @return the stream handle this group was reached from; never null
   */
  public Stream stream() {
    return stream;
  }

  /**
   * The group's id, as given to {@link Stream#group(String)} (already checked: non-empty, at most
   * 512 UTF-8 bytes, no lone surrogate).
   *
   * @return the group id; never null
   */
  public String id() {
    return key.group();
  }

  /**
   * The (stream, group) pair, as events and snapshots name it.
   *
   * @return the key of this group; never null
   */
  public GroupKey key() {
    return key;
  }

  /**
   * The handle of item {@code id} of this group (whether or not it exists). Creating it does no
   * I/O.
   *
   * @param id the item id: any non-empty string of at most 512 UTF-8 bytes without a lone UTF-16
   *     surrogate
   * @return the item handle; never null
   * @throws StreamException {@code invalid_argument} for a null, empty, oversized or invalid id
   */
  public Item item(String id) {
    return new Item(core, values, this, id);
  }

  /**
   * The items by id, in list order, as stored JSON (read-only nodes). List order is creation order:
   * an update keeps an item's place, a delete and a later set moves it to the end. A group without
   * items gives an empty map.
   *
   * @return an unmodifiable map of item id to stored value, iterating in list order
   * @throws StreamException {@code invalid_argument} when a {@code stream::list(<stream>)} override
   *     serves this stream: overrides return values without ids, use {@link #list()} there
   */
  public Map<String, JsonNode> items() {
    return core.items(key);
  }

  /**
   * The items by id, in list order, each converted to {@code type} with the engine's mapper.
   *
   * @param <T> the type the values are converted to
   * @param type the class to convert each value to; not null
   * @return an unmodifiable map of item id to converted value (null for a stored JSON null, unless
   *     {@code type} is a {@link JsonNode} type), iterating in list order
   * @throws StreamException {@code invalid_argument} when a value cannot be converted, or when a
   *     {@code stream::list(<stream>)} override serves this stream (see {@link #items()})
   */
  public <T> Map<String, T> items(Class<T> type) {
    Objects.requireNonNull(type, "type");
    Map<String, T> result = new LinkedHashMap<>();
    core.items(key).forEach((id, value) -> result.put(id, values.fromJson(value, type)));
    return Collections.unmodifiableMap(result);
  }

  /**
   * {@code stream::list}: the item values in list order (read-only nodes). When a {@code
   * stream::list(<stream>)} override serves this stream, its result (an array's elements, or a
   * single non-array value as one element).
   *
   * @return the values, in list order; empty for a group without items
   */
  public List<JsonNode> list() {
    return core.list(key);
  }

  /**
   * {@code stream::list} with each value converted to {@code type} with the engine's mapper.
   *
   * @param <T> the type the values are converted to
   * @param type the class to convert each value to; not null
   * @return the converted values in list order (null elements for stored JSON nulls, unless {@code
   *     type} is a {@link JsonNode} type)
   * @throws StreamException {@code invalid_argument} when a value cannot be converted
   */
  public <T> List<T> list(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return core.list(key).stream().map(v -> values.fromJson(v, type)).toList();
  }

  /**
   * {@code stream::send}: a custom event of {@code type} to every subscriber of the group (and its
   * {@code stream} triggers); nothing is stored. {@code data} is converted like a value. The event
   * takes the group's next {@code seq}. Returns once the event is committed; listeners and triggers
   * run later, on the engine's executor.
   *
   * @param type the custom event type subscribers see as {@code event.type}; not null
   * @param data the event data, converted with the engine's mapper (Java null = JSON null); its
   *     JSON must fit the engine's {@code maxItemBytes}
   * @throws StreamException {@code invalid_argument} when {@code data} cannot be converted or is
   *     not storable JSON, {@code value_too_large} when it is over {@code maxItemBytes}, {@code
   *     STREAM_SEND_ERROR} when storage fails
   */
  public void send(String type, Object data) {
    core.send(key, null, Objects.requireNonNull(type, "type"), values.toJson(data));
  }

  /**
   * {@link #send(String, Object)} with an idempotency key ({@link WriteOptions#idempotencyKey}): a
   * repeat of the key on this group within the engine's window sends nothing.
   *
   * @param type the custom event type; not null
   * @param data the event data, as for {@link #send(String, Object)}
   * @param options the idempotency key; a version condition is refused ({@code invalid_argument})
   * @throws StreamException as {@link #send(String, Object)}
   */
  public void send(String type, Object data, WriteOptions options) {
    core.send(
        key,
        null,
        Objects.requireNonNull(type, "type"),
        values.toJson(data),
        Objects.requireNonNull(options, "options"));
  }

  /**
   * Subscribes to the whole group: a snapshot, then every later event in {@code seq} order with no
   * gap and no duplicate. See {@link StreamListener} for threads. The snapshot is taken before this
   * method returns and is delivered, like the events, on the engine's executor.
   *
   * @param listener receives the snapshot and the events; not null
   * @return the live subscription; {@link Subscription#close() close} it to stop
   * @throws StreamException {@code engine_closed} when the engine is closed, or a storage error
   *     when the starting snapshot cannot be taken
   */
  public Subscription subscribe(StreamListener listener) {
    return core.subscribe(key, null, null, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Subscribes resuming after {@code since} (a seq seen before): missed events are replayed when
   * the store still has them (the adapter's bounded per-group history), otherwise the subscription
   * starts with a snapshot. The listener learns which from its first callback: {@link
   * StreamListener#onResumed} or {@link StreamListener#onSnapshot}.
   *
   * @param since the {@code seq} of the last event the caller saw of this group
   * @param listener receives the replayed or starting state and the later events; not null
   * @return the live subscription; {@link Subscription#close() close} it to stop
   * @throws StreamException {@code engine_closed} when the engine is closed, or a storage error
   *     when neither the history nor a snapshot can be read
   */
  public Subscription subscribe(long since, StreamListener listener) {
    return core.subscribe(key, null, since, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * {@code stream::presence}: the group's live WebSocket subscribers (joins of the group and of its
   * items whose join triggers allowed them and that have not left), on every instance sharing the
   * store (Redis; an instance that stops without leaving drops out within the adapter's presence
   * TTL). Sorted by {@link Presence#joinedAt()}, then subscription id; at most the engine's {@code
   * maxPresence} (default 1 000) entries, the earliest joined.
   *
   * @return the subscribers; empty when there are none
   * @throws StreamException {@code STREAM_PRESENCE_ERROR} when the store cannot be read
   */
  public List<Presence> presence() {
    return core.presence(key);
  }

  /**
   * The current state with its {@code seq}, as a subscriber starts from. Overrides of {@code
   * stream::list(<stream>)} supply the data.
   *
   * @return the group's items and list, with the {@code seq} of the last change they include
   */
  public Snapshot snapshot() {
    return core.snapshot(key, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Group other && other.stream.equals(stream) && other.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "Group[" + key.stream() + "/" + key.group() + "]";
  }
}
