package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Where items live. Implementations are thread-safe; every write is atomic and linearizable per
 * item and assigns the group's next {@code seq} with the write. Names are arbitrary non-empty
 * strings: two different (stream, group, item) triples must never share storage.
 *
 * <p>One-way: the engine calls the adapter; the adapter reports to the {@link EventSink} it was
 * given by {@link #start} and never waits for the engine. At each commit, in {@code seq} order per
 * group, the adapter builds the change's {@link Event} ({@link Change#event()}, {@link
 * Change#event(Notice)}), keeps it in its own history for {@link #eventsSince}, reports it with
 * {@link EventSink#committed} and delivers it to the subscribers of every instance through its own
 * transport, which ends in {@link EventSink#event} on each instance that {@linkplain #subscribe
 * subscribed} to the group (an in-process store calls it directly; Redis publishes from its write
 * script and delivers from its pub/sub thread). The engine never calls the adapter from inside
 * those callbacks.
 *
 * <p>Failures are thrown as {@code StreamException} with the code of the operation ({@code
 * STREAM_SET_ERROR}, …) or as any {@link RuntimeException}, which the engine wraps; a write that
 * throws has not been acknowledged and must not have been reported.
 *
 * <p>Subclass {@code StorageAdapterContract} from the stream-core test-jar to test an adapter.
 */
public interface StorageAdapter extends AutoCloseable {

  /**
   * Where this adapter reports commits and delivers events from now on; the engine calls it once,
   * before its first write. Commits made before it are reported to nobody; a later call (an adapter
   * handed to a second engine, a test) replaces the sink.
   *
   * @param sink where to report commits and deliver events; never null from the engine
   */
  void start(EventSink sink);

  /**
   * Reads one item.
   *
   * @param group the item's group
   * @param item the item id
   * @return the stored value (a stored JSON null is a {@code NullNode}), or Java {@code null} when
   *     the item does not exist
   */
  JsonNode get(GroupKey group, String item);

  /**
   * Stores {@code value} (a new item goes to the end of the list order; a replaced one stays) and
   * reports the {@code create} or {@code update} event.
   *
   * @param group the item's group
   * @param item the item id
   * @param value the value to store; never Java null (the engine passes JSON null as a {@code
   *     NullNode}) and the adapter's own copy
   * @return the committed change, with the old value (Java {@code null} for a new item) and {@code
   *     value}
   */
  Change set(GroupKey group, String item, JsonNode value);

  /**
   * Removes the item and reports the {@code delete} event with the removed value. A missing item
   * commits nothing: return {@link Change#nothing} and report nothing.
   *
   * @param group the item's group
   * @param item the item id
   * @return the committed change with the removed value as {@code oldValue}, or {@link
   *     Change#nothing} for a missing item
   */
  Change delete(GroupKey group, String item);

  /**
   * Atomically replaces the item's value with {@code updater.apply(current)}; a missing item is
   * created (at the end of the list order). The adapter reports the {@code create} or {@code
   * update} event like {@link #set}.
   *
   * @param group the item's group
   * @param item the item id
   * @param updater computes the new value from the current one (Java {@code null} for a missing
   *     item); it may be called more than once, only its last result is committed
   * @return the committed change, with the value before and the value stored
   */
  Change update(GroupKey group, String item, ItemUpdater updater);

  /**
   * Commits a change that stores nothing: assigns the group's next {@code seq} and timestamp for a
   * {@code stream::send} custom event or for a change an override function made outside storage,
   * and reports {@code notice}'s event ({@link Change#event(Notice)}). The returned change has
   * {@code item} = the given item (may be null for a send) and no values.
   *
   * @param group the group the event belongs to
   * @param item the item the event concerns (the item filter of a custom event), or null
   * @param notice what the commit announces; never null
   * @return the committed change, without values
   */
  Change send(GroupKey group, String item, Notice notice);

  /**
   * {@link #set(GroupKey, String, JsonNode)} under a {@link Guard}, checked atomically with the
   * write (see there for the version condition and the idempotency key). The default serves only
   * {@link Guard#NONE} and refuses any other guard with {@link Guard#unsupported()}.
   *
   * @param group the item's group
   * @param item the item id
   * @param value the value to store, as for {@link #set(GroupKey, String, JsonNode)}
   * @param guard the version condition and idempotency key; never null
   * @return the committed change, or the first call's for a repeated key
   */
  default Receipt set(GroupKey group, String item, JsonNode value, Guard guard) {
    if (!guard.isNone()) {
      throw Guard.unsupported();
    }
    return Receipt.of(set(group, item, value));
  }

  /**
   * {@link #delete(GroupKey, String)} under a {@link Guard}; a delete of a missing item that passes
   * the guard commits nothing but is remembered under its key. The default serves only {@link
   * Guard#NONE}.
   *
   * @param group the item's group
   * @param item the item id
   * @param guard the version condition and idempotency key; never null
   * @return the committed change ({@link Change#nothing} for a missing item), or the first call's
   */
  default Receipt delete(GroupKey group, String item, Guard guard) {
    if (!guard.isNone()) {
      throw Guard.unsupported();
    }
    return Receipt.of(delete(group, item));
  }

  /**
   * {@link #update(GroupKey, String, ItemUpdater)} under a {@link Guard}; the receipt remembered
   * for the key carries {@link ItemUpdater#note()} of the committed application. The default serves
   * only {@link Guard#NONE}.
   *
   * @param group the item's group
   * @param item the item id
   * @param updater computes the new value, as for {@link #update(GroupKey, String, ItemUpdater)}
   * @param guard the version condition and idempotency key; never null
   * @return the committed change with the updater's note, or the first call's
   */
  default Receipt update(GroupKey group, String item, ItemUpdater updater, Guard guard) {
    if (!guard.isNone()) {
      throw Guard.unsupported();
    }
    return Receipt.of(update(group, item, updater));
  }

  /**
   * {@link #send(GroupKey, String, Notice)} under a {@link Guard} (the engine passes only an
   * idempotency key for sends). The default serves only {@link Guard#NONE}.
   *
   * @param group the group the event belongs to
   * @param item the item filter, or null
   * @param notice what the commit announces; never null
   * @param guard the idempotency key; never null
   * @return the committed change, or the first call's for a repeated key
   */
  default Receipt send(GroupKey group, String item, Notice notice, Guard guard) {
    if (!guard.isNone()) {
      throw Guard.unsupported();
    }
    return Receipt.of(send(group, item, notice));
  }

  /**
   * The group's item values in list order.
   *
   * @param group the group
   * @return the values in list (creation) order; empty for a missing group
   */
  List<JsonNode> list(GroupKey group);

  /**
   * A consistent view of the group: its items with their ids and the {@code seq} of the last change
   * included, so that every later event has a higher {@code seq}.
   *
   * @param group the group
   * @return the snapshot; for a missing group no items and its current {@code seq} (0 when it never
   *     changed)
   */
  GroupSnapshot snapshot(GroupKey group);

  /**
   * The group's {@code seq} and at most the one item {@code item} (for an item subscription). The
   * default takes a whole-group snapshot; adapters may do better.
   *
   * @param group the item's group
   * @param item the item id
   * @return a snapshot with the group's {@code seq} and timestamp and the item, or no item when it
   *     does not exist
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

  /**
   * The non-empty groups of a stream.
   *
   * @param stream the stream name
   * @return the ids of its groups that hold at least one item, sorted by {@link Names#ORDER}
   */
  List<String> listGroups(String stream);

  /**
   * Every stream with its non-empty groups.
   *
   * @return streams (keys) and their non-empty groups, both sorted by {@link Names#ORDER}
   */
  SortedMap<String, List<String>> listAll();

  /**
   * The group's events with {@code seq > since}, in order, up to the group's current seq, when the
   * adapter still holds every one of them; empty otherwise (the subscriber then gets a snapshot).
   * The default holds no history. {@link EventHistory} implements this for one group.
   *
   * @param group the group
   * @param since the last {@code seq} the subscriber saw
   * @return the events in {@code seq} order, or empty when some are no longer held
   */
  default Optional<List<Event>> eventsSince(GroupKey group, long since) {
    return Optional.empty();
  }

  /**
   * This instance has subscribers of the group now: deliver its events to {@link EventSink#event}
   * until {@link #unsubscribe}. The engine calls it when the first local subscriber joins; the
   * default does nothing (for a store that delivers every event anyway).
   *
   * @param group the group that has local subscribers now
   */
  default void subscribe(GroupKey group) {}

  /**
   * The last local subscriber of the group left: the adapter may stop delivering the group's events
   * to {@link EventSink#event}; the default does nothing.
   *
   * @param group the group without local subscribers
   */
  default void unsubscribe(GroupKey group) {}

  /**
   * A WebSocket subscriber of this instance joined the group (its join triggers allowed it): an
   * adapter that shares presence across instances records {@code entry} where every instance can
   * read it, until {@link #presenceLeft} or until this instance stops refreshing it (a crash). The
   * default does nothing: the engine keeps its own entries in a {@link PresenceTable}. A failure
   * may be thrown; the engine logs it and the join stands.
   *
   * @param group the joined group (the group of a joined item)
   * @param entry the subscriber; its {@link PresenceEntry#key() key} is unique in this engine
   */
  default void presenceJoined(GroupKey group, PresenceEntry entry) {}

  /**
   * The subscriber of {@code entry} left (leave message, replaced subscription or closed
   * connection); the default does nothing.
   *
   * @param group the group it had joined
   * @param entry the entry given to {@link #presenceJoined} before
   */
  default void presenceLeft(GroupKey group, PresenceEntry entry) {}

  /**
   * The live subscribers of the group on every instance, in any order (the engine sorts them by
   * {@link PresenceEntry#ORDER} and bounds their number), or empty when this adapter does not share
   * presence: the engine then answers from the entries of its own process, which is complete for a
   * store that no other process uses. The default returns empty.
   *
   * @param group the group
   * @return the entries of every instance, or empty for "this process only"
   */
  default Optional<List<PresenceEntry>> presence(GroupKey group) {
    return Optional.empty();
  }

  /** Flushes and releases everything; idempotent. */
  @Override
  void close();
}
