package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.EngineCore;
import dev.rivulet.internal.NameCheck;
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
    this.key = new GroupKey(stream.name(), NameCheck.name("group", "group_id", id));
  }

  public Stream stream() {
    return stream;
  }

  public String id() {
    return key.group();
  }

  /** The (stream, group) pair, as events and snapshots name it. */
  public GroupKey key() {
    return key;
  }

  /** The handle of item {@code id} of this group (whether or not it exists). */
  public Item item(String id) {
    return new Item(core, values, this, id);
  }

  /**
   * The items by id, in list order, as stored JSON (read-only nodes).
   *
   * @throws StreamException {@code invalid_argument} when a {@code stream::list(<stream>)} override
   *     serves this stream: overrides return values without ids, use {@link #list()} there
   */
  public Map<String, JsonNode> items() {
    return core.items(key);
  }

  /** The items by id, in list order, each converted to {@code type} with the engine's mapper. */
  public <T> Map<String, T> items(Class<T> type) {
    Objects.requireNonNull(type, "type");
    Map<String, T> result = new LinkedHashMap<>();
    core.items(key).forEach((id, value) -> result.put(id, values.fromJson(value, type)));
    return Collections.unmodifiableMap(result);
  }

  /** {@code stream::list}: the item values in list order (read-only nodes). */
  public List<JsonNode> list() {
    return core.list(key);
  }

  /** {@code stream::list} with each value converted to {@code type}. */
  public <T> List<T> list(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return core.list(key).stream().map(v -> values.fromJson(v, type)).toList();
  }

  /**
   * {@code stream::send}: a custom event of {@code type} to every subscriber of the group (and its
   * {@code stream} triggers); nothing is stored. {@code data} is converted like a value.
   */
  public void send(String type, Object data) {
    core.send(key, null, Objects.requireNonNull(type, "type"), values.toJson(data));
  }

  /**
   * Subscribes to the whole group: a snapshot, then every later event in {@code seq} order with no
   * gap and no duplicate. See {@link StreamListener} for threads.
   */
  public Subscription subscribe(StreamListener listener) {
    return core.subscribe(key, null, null, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Subscribes resuming after {@code since} (a seq seen before): missed events are replayed when
   * the store still has them, otherwise the subscription starts with a snapshot.
   */
  public Subscription subscribe(long since, StreamListener listener) {
    return core.subscribe(key, null, since, Objects.requireNonNull(listener, "listener"));
  }

  /** The current state with its {@code seq}, as a subscriber starts from. */
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
