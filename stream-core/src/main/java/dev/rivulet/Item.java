package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.EngineCore;
import dev.rivulet.internal.NameCheck;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One item of a group. A cheap, immutable, thread-safe handle; see {@link Group#item(String)}.
 * Values are anything the engine's {@code ObjectMapper} converts: a {@link JsonNode}, a record or
 * POJO, a {@code Map}, a {@code String}, a number; a conversion failure is a {@link
 * StreamException} with code {@link StreamException#INVALID_ARGUMENT}.
 */
public final class Item {
  private final EngineCore core;
  private final Values values;
  private final Group group;
  private final String id;

  Item(EngineCore core, Values values, Group group, String id) {
    this.core = core;
    this.values = values;
    this.group = group;
    this.id = NameCheck.name("item", "item_id", id);
  }

  public Group group() {
    return group;
  }

  public String id() {
    return id;
  }

  /** {@code stream::set}: stores {@code value} (Java null = JSON null). */
  public SetResult set(Object value) {
    return core.set(group.key(), id, values.toJson(value));
  }

  /**
   * {@link #set} as a future. Today it completes before returning; later versions pipeline durable
   * writes so that one thread can keep many in flight. Failures complete it exceptionally with a
   * {@link StreamException}.
   */
  public CompletableFuture<SetResult> setAsync(Object value) {
    return completed(() -> set(value));
  }

  /**
   * {@code stream::get}: the stored JSON (read-only), or Java null when the item does not exist.
   */
  public JsonNode get() {
    return core.get(group.key(), id);
  }

  /** The stored value converted to {@code type}; Java null when missing (or JSON null). */
  public <T> T get(Class<T> type) {
    return values.fromJson(get(), type);
  }

  /** {@code stream::update}: applies {@code ops} atomically; ops that failed are in the result. */
  public UpdateResult update(UpdateOp... ops) {
    return update(List.of(ops));
  }

  /** {@code stream::update} with a list of ops. */
  public UpdateResult update(List<UpdateOp> ops) {
    return core.update(group.key(), id, Objects.requireNonNull(ops, "ops"));
  }

  /** {@link #update(UpdateOp...)} as a future; see {@link #setAsync} for how it completes. */
  public CompletableFuture<UpdateResult> updateAsync(UpdateOp... ops) {
    List<UpdateOp> list = List.of(ops);
    return completed(() -> update(list));
  }

  /** {@code stream::delete}: the removed value, or Java null when there was none. */
  public JsonNode delete() {
    return core.delete(group.key(), id);
  }

  /**
   * {@code stream::send} filtered to this item: subscribers of this item and of the whole group get
   * the custom event; nothing is stored.
   */
  public void send(String type, Object data) {
    core.send(group.key(), id, Objects.requireNonNull(type, "type"), values.toJson(data));
  }

  /** Subscribes to this item: its snapshot, then every later change of it in {@code seq} order. */
  public Subscription subscribe(StreamListener listener) {
    return core.subscribe(group.key(), id, null, Objects.requireNonNull(listener, "listener"));
  }

  /** The current state of the item with the group's {@code seq}. */
  public Snapshot snapshot() {
    return core.snapshot(group.key(), id);
  }

  private static <T> CompletableFuture<T> completed(Supplier<T> call) {
    try {
      return CompletableFuture.completedFuture(call.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Item other && other.group.equals(group) && other.id.equals(id);
  }

  @Override
  public int hashCode() {
    return group.hashCode() * 31 + id.hashCode();
  }

  @Override
  public String toString() {
    return "Item[" + group.key().stream() + "/" + group.key().group() + "/" + id + "]";
  }
}
