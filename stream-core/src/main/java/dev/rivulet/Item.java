package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
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
    this.id = Inputs.checkName("item", "item_id", id);
  }

  /**
   * The group this item belongs to.
   *
   * @return the group handle this item was reached from; never null
   */
  public Group group() {
    return group;
  }

  /**
   * The item's id, as given to {@link Group#item(String)} (already checked: non-empty, at most 512
   * UTF-8 bytes, no lone surrogate).
   *
   * @return the item id; never null
   */
  public String id() {
    return id;
  }

  /**
   * {@code stream::set}: stores {@code value} (Java null = JSON null), creating the item or
   * replacing its value. Always writes and emits an event ({@code create} when there was no value,
   * else {@code update}, even when the value is unchanged). The store keeps its own copy: later
   * changes to a {@link JsonNode} passed here do not reach it.
   *
   * @param value the new value, converted with the engine's mapper; Java null stores JSON null
   * @return the previous value (Java null when the item did not exist) and the stored one
   * @throws StreamException {@code invalid_argument} when {@code value} cannot be converted, nests
   *     deeper than {@code maxValueDepth} or holds a non-finite number, {@code value_too_large}
   *     when its JSON is over {@code maxItemBytes} (nothing written in either case), {@code
   *     STREAM_SET_ERROR} when storage fails, {@code engine_closed} after close
   */
  public SetResult set(Object value) {
    return core.set(group.key(), id, values.toJson(value));
  }

  /**
   * {@code stream::set} under {@code options}: with {@link WriteOptions#ifVersion}, only when the
   * item is at that version (0 = does not exist), else {@code precondition_failed} and nothing is
   * written or emitted; with {@link WriteOptions#idempotencyKey}, a repeat of the key on this group
   * within the engine's window returns the first call's result and writes nothing.
   *
   * @param value the new value, as for {@link #set(Object)}
   * @param options the version condition and idempotency key; not null
   * @return as {@link #set(Object)}; {@link SetResult#version()} is the item's new version
   * @throws StreamException {@code precondition_failed} when the version condition fails; as {@link
   *     #set(Object)} otherwise
   */
  public SetResult set(Object value, WriteOptions options) {
    return core.set(
        group.key(), id, values.toJson(value), Objects.requireNonNull(options, "options"));
  }

  /**
   * {@link #set} as a future. Today it completes before returning; later versions pipeline durable
   * writes so that one thread can keep many in flight. Failures complete it exceptionally with a
   * {@link StreamException}.
   *
   * @param value the new value, as for {@link #set(Object)}
   * @return a future of the result of {@link #set(Object)}
   */
  public CompletableFuture<SetResult> setAsync(Object value) {
    return completed(() -> set(value));
  }

  /**
   * {@code stream::get}: the stored JSON (read-only), or Java null when the item does not exist. A
   * stored JSON null is returned as a {@link com.fasterxml.jackson.databind.node.NullNode}.
   *
   * @return the stored value, or Java null when the item does not exist
   * @throws StreamException {@code STREAM_GET_ERROR} when storage fails, {@code engine_closed}
   *     after close
   */
  public JsonNode get() {
    return core.get(group.key(), id);
  }

  /**
   * The stored value converted to {@code type} with the engine's mapper.
   *
   * @param <T> the type the value is converted to
   * @param type the class to convert the value to; not null
   * @return the converted value; Java null when the item is missing, or when it holds JSON null and
   *     {@code type} is not a {@link JsonNode} type
   * @throws StreamException {@code invalid_argument} when the value cannot be converted to {@code
   *     type}; as {@link #get()} otherwise
   */
  public <T> T get(Class<T> type) {
    return values.fromJson(get(), type);
  }

  /**
   * {@code stream::update}: applies {@code ops} in order, atomically for this item (linearizable
   * with every other write of it, across processes on Redis). The starting value is the stored one,
   * or {@code {}} when the item is missing. An op that fails is skipped and reported in {@link
   * UpdateResult#errors()}; the later ops still run. The result is always written and emitted, even
   * when {@code ops} is empty or every op failed (so an update of a missing item creates it).
   *
   * @param ops the operations, applied in order; not null
   * @return the previous value (Java null when the item did not exist), the new value and the
   *     errors of the skipped ops
   * @throws StreamException {@code invalid_argument} or {@code value_too_large} when the new value
   *     is not storable (nothing written), {@code STREAM_UPDATE_ERROR} when storage fails, {@code
   *     engine_closed} after close
   */
  public UpdateResult update(UpdateOp... ops) {
    return update(List.of(ops));
  }

  /**
   * {@code stream::update} with a list of ops; see {@link #update(UpdateOp...)}.
   *
   * @param ops the operations, applied in order; not null (the list is copied)
   * @return the previous value, the new value and the errors of the skipped ops
   * @throws StreamException as {@link #update(UpdateOp...)}
   */
  public UpdateResult update(List<UpdateOp> ops) {
    return core.update(group.key(), id, Objects.requireNonNull(ops, "ops"));
  }

  /**
   * {@code stream::update} under {@code options} (see {@link #set(Object, WriteOptions)}): the
   * version condition is checked against the stored item before the ops run; a repeated idempotency
   * key returns the first call's result, errors included.
   *
   * @param options the version condition and idempotency key; not null
   * @param ops the operations, applied in order; not null
   * @return as {@link #update(UpdateOp...)}; {@link UpdateResult#version()} is the new version
   * @throws StreamException {@code precondition_failed} when the version condition fails; as {@link
   *     #update(UpdateOp...)} otherwise
   */
  public UpdateResult update(WriteOptions options, UpdateOp... ops) {
    return core.update(group.key(), id, List.of(ops), Objects.requireNonNull(options, "options"));
  }

  /**
   * {@link #update(UpdateOp...)} as a future; see {@link #setAsync} for how it completes.
   *
   * @param ops the operations, applied in order
   * @return a future of the result of {@link #update(UpdateOp...)}
   */
  public CompletableFuture<UpdateResult> updateAsync(UpdateOp... ops) {
    List<UpdateOp> list = List.of(ops);
    return completed(() -> update(list));
  }

  /**
   * {@code stream::delete}: removes the item. Deleting an existing item emits a {@code delete}
   * event and fires {@code stream} triggers; deleting a missing one does neither.
   *
   * @return the removed value, or Java null when there was none
   * @throws StreamException {@code STREAM_DELETE_ERROR} when storage fails, {@code engine_closed}
   *     after close
   */
  public JsonNode delete() {
    return core.delete(group.key(), id);
  }

  /**
   * {@code stream::delete} under {@code options} (see {@link #set(Object, WriteOptions)}), with the
   * version of the delete.
   *
   * @param options the version condition and idempotency key; not null
   * @return the removed value (Java null when there was none) and the delete's {@code seq} (0 when
   *     nothing was deleted)
   * @throws StreamException {@code precondition_failed} when the version condition fails; as {@link
   *     #delete()} otherwise
   */
  public DeleteResult delete(WriteOptions options) {
    return core.delete(group.key(), id, Objects.requireNonNull(options, "options"));
  }

  /**
   * {@code stream::send} filtered to this item: subscribers of this item and of the whole group get
   * the custom event; nothing is stored. The event takes the group's next {@code seq}.
   *
   * @param type the custom event type subscribers see as {@code event.type}; not null
   * @param data the event data, converted with the engine's mapper (Java null = JSON null); its
   *     JSON must fit the engine's {@code maxItemBytes}
   * @throws StreamException as {@link Group#send(String, Object)}
   */
  public void send(String type, Object data) {
    core.send(group.key(), id, Objects.requireNonNull(type, "type"), values.toJson(data));
  }

  /**
   * Subscribes to this item: its snapshot, then every later change of it (and every {@code send}
   * addressed to it) in {@code seq} order. See {@link StreamListener} for threads.
   *
   * @param listener receives the snapshot and the events; not null
   * @return the live subscription; {@link Subscription#close() close} it to stop
   * @throws StreamException {@code engine_closed} when the engine is closed, or a storage error
   *     when the starting snapshot cannot be taken
   */
  public Subscription subscribe(StreamListener listener) {
    return core.subscribe(group.key(), id, null, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The current state of the item with the group's {@code seq}. A {@code stream::get(<stream>)}
   * override supplies the data when one is registered.
   *
   * @return the item's value (JSON null when missing) with the {@code seq} of the last change of
   *     the group it includes
   */
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
