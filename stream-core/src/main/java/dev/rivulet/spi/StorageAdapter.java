package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.LongSupplier;

/**
 * Where items live. Implementations are thread-safe; every write is atomic and linearizable per
 * item, assigns the group's next {@code seq} with the write and reports the committed change to the
 * given {@link CommitListener} (see its contract) before returning. Names are arbitrary non-empty
 * strings: two different (stream, group, item) triples must never share storage.
 *
 * <p>Failures are thrown as {@code StreamException} with the code of the operation ({@code
 * STREAM_SET_ERROR}, …) or as any {@link RuntimeException}, which the engine wraps; a write that
 * throws has not been acknowledged and must not have been reported to the listener.
 *
 * <p>Subclass {@code StorageAdapterContract} from the stream-core test-jar to test an adapter.
 */
public interface StorageAdapter extends AutoCloseable {

  /** The stored value, or Java {@code null} when the item does not exist. */
  JsonNode get(GroupKey group, String item);

  /** Stores {@code value} (a new item goes to the end of the list order; a replaced one stays). */
  Change set(GroupKey group, String item, JsonNode value, CommitListener listener);

  /**
   * Removes the item. A missing item commits nothing: return {@link Change#nothing} and do not call
   * the listener.
   */
  Change delete(GroupKey group, String item, CommitListener listener);

  /**
   * Atomically replaces the item's value with {@code updater.apply(current)}; a missing item is
   * created (at the end of the list order).
   */
  Change update(GroupKey group, String item, ItemUpdater updater, CommitListener listener);

  /**
   * Commits a change that stores nothing: assigns the group's next {@code seq} and timestamp for a
   * {@code stream::send} custom event or for a change an override function made outside storage.
   * The returned change has {@code item} = the given item (may be null for a send) and no values;
   * {@code notice} says what the event will be, for adapters that publish events themselves.
   */
  Change send(GroupKey group, String item, Notice notice, CommitListener listener);

  /** The group's item values in list order; empty for a missing group. */
  List<JsonNode> list(GroupKey group);

  /** The group's items with their ids and the {@code seq} of the last change included. */
  GroupSnapshot snapshot(GroupKey group);

  /**
   * The group's {@code seq} and at most the one item {@code item} (for an item subscription). The
   * default takes a whole-group snapshot; adapters may do better.
   */
  default GroupSnapshot snapshot(GroupKey group, String item) {
    GroupSnapshot all = snapshot(group);
    JsonNode value = all.value(item);
    return new GroupSnapshot(
        group,
        value == null ? List.of() : List.of(new GroupSnapshot.Item(item, value)),
        all.seq(),
        all.timestamp());
  }

  /** The non-empty groups of a stream, sorted by {@link Names#ORDER}. */
  List<String> listGroups(String stream);

  /** Every stream with its non-empty groups, both sorted by {@link Names#ORDER}. */
  SortedMap<String, List<String>> listAll();

  /**
   * Remembers a committed event for {@link #eventsSince}. The engine calls it from the {@link
   * CommitListener} of the change (so in {@code seq} order, inside the group's critical section).
   * The default keeps nothing.
   */
  default void remember(StreamEvent event) {}

  /**
   * The group's events with {@code seq > since}, in order, together with the group's current seq,
   * when the adapter still holds every one of them; empty otherwise (the subscriber then gets a
   * snapshot). The default holds no history.
   */
  default Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    return Optional.empty();
  }

  /**
   * How events of this store reach subscribers, possibly in other processes. The default delivers
   * within this process only.
   */
  default EventTransport transport() {
    return EventTransport.inProcess();
  }

  /** A store that keeps everything in this JVM (the default of {@code StreamEngine}). */
  static StorageAdapter inMemory() {
    return inMemory(System::currentTimeMillis, EventHistory.Limits.defaults());
  }

  /** An in-memory store whose timestamps come from {@code clock} (epoch milliseconds). */
  static StorageAdapter inMemory(LongSupplier clock) {
    return inMemory(clock, EventHistory.Limits.defaults());
  }

  /** An in-memory store with its clock and the per-group event history kept for resuming. */
  static StorageAdapter inMemory(LongSupplier clock, EventHistory.Limits history) {
    return new InMemoryStorage(
        Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(history, "history"));
  }

  /** Flushes and releases everything; idempotent. */
  @Override
  void close();
}
