package dev.rivulet.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Names;
import dev.rivulet.spi.StorageAdapter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The state of a store that keeps every group in this JVM, behind {@link TableStore} (the core's
 * in-memory store and the kv file store): streams, their groups sorted by {@link Names#ORDER}, each
 * group's items in list order with its last {@code seq} and timestamp, and its recent events for
 * {@link StorageAdapter#eventsSince}. Not SPI: core exports this package only to the kv module,
 * whose recovery and compaction read and rebuild it.
 *
 * <p>Thread-safety: the table itself is safe for concurrent use, and each {@link Group} is guarded
 * by its own monitor ({@code synchronized (group)}), so writers of different groups never wait for
 * each other. Writes are {@link TableStore}'s alone: it holds the group's monitor from reading the
 * old value to handing the change to its journal, and again to apply it once it is persisted
 * (readers see only applied, i.e. persisted, state). The read methods of this class and {@link
 * Group#snapshot} take the monitor themselves; the other public {@link Group} methods are for
 * rebuilding a table that is still private to one thread (recovery) or must be called with the
 * monitor held. A group is kept after its last item is deleted, so its {@code seq} never goes
 * backwards, but is no longer listed.
 */
public final class GroupTable {
  private final ConcurrentMap<String, ConcurrentSkipListMap<String, Group>> streams =
      new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final EventHistory.Limits historyLimits;

  /**
   * An empty table.
   *
   * @param clock epoch milliseconds, for change timestamps and the history's age limit
   * @param historyLimits how many recent events each group keeps for {@link #eventsSince}
   */
  public GroupTable(LongSupplier clock, EventHistory.Limits historyLimits) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.historyLimits = Objects.requireNonNull(historyLimits, "historyLimits");
  }

  /** The table's clock, epoch milliseconds. */
  LongSupplier clock() {
    return clock;
  }

  /** The group, or {@code null} when it was never written. */
  public Group find(GroupKey key) {
    Map<String, Group> groups = streams.get(key.stream());
    return groups == null ? null : groups.get(key.group());
  }

  /** The group, created empty (seq 0, not listed) when it does not exist yet. */
  public Group obtain(GroupKey key) {
    return streams
        .computeIfAbsent(key.stream(), s -> new ConcurrentSkipListMap<>(Names.ORDER))
        .computeIfAbsent(
            key.group(), g -> new Group(key, clock, new EventHistory(historyLimits, clock)));
  }

  /**
   * Calls {@code action} for every group, emptied ones included, without taking their monitors;
   * groups created meanwhile may or may not be seen.
   */
  public void forEachGroup(Consumer<? super Group> action) {
    for (Map<String, Group> groups : streams.values()) {
      groups.values().forEach(action);
    }
  }

  /** See {@link StorageAdapter#get}. */
  public JsonNode get(GroupKey group, String item) {
    Group g = find(group);
    if (g == null) {
      return null;
    }
    synchronized (g) {
      return g.get(item);
    }
  }

  /** See {@link StorageAdapter#list}. */
  public List<JsonNode> list(GroupKey group) {
    Group g = find(group);
    if (g == null) {
      return List.of();
    }
    synchronized (g) {
      return List.copyOf(g.items.values());
    }
  }

  /** See {@link StorageAdapter#snapshot(GroupKey)}. */
  public GroupSnapshot snapshot(GroupKey group) {
    Group g = find(group);
    return g == null ? new GroupSnapshot(group, List.of(), 0, 0) : g.snapshot();
  }

  /** See {@link StorageAdapter#snapshot(GroupKey, String)}. */
  public GroupSnapshot snapshot(GroupKey group, String item) {
    Group g = find(group);
    return g == null ? new GroupSnapshot(group, List.of(), 0, 0) : g.snapshot(item);
  }

  /** See {@link StorageAdapter#listGroups}. */
  public List<String> listGroups(String stream) {
    Map<String, Group> groups = streams.get(stream);
    if (groups == null) {
      return List.of();
    }
    List<String> result = new ArrayList<>();
    groups.forEach(
        (name, g) -> {
          if (g.size > 0) {
            result.add(name);
          }
        });
    return result;
  }

  /** See {@link StorageAdapter#listAll}. */
  public SortedMap<String, List<String>> listAll() {
    SortedMap<String, List<String>> result = new TreeMap<>(Names.ORDER);
    for (String stream : streams.keySet()) {
      List<String> groups = listGroups(stream);
      if (!groups.isEmpty()) {
        result.put(stream, groups);
      }
    }
    return result;
  }

  /** See {@link StorageAdapter#eventsSince}. */
  public Optional<List<Event>> eventsSince(GroupKey group, long since) {
    Group g = find(group);
    if (g == null) {
      return since == 0 ? Optional.of(List.of()) : Optional.empty();
    }
    synchronized (g) {
      return g.history.since(since, g.seq);
    }
  }

  /**
   * One group: its items in list order, the {@code seq} and timestamp of its last change and its
   * event history, guarded by this object's monitor (see {@link GroupTable} for which methods need
   * it held).
   */
  public static final class Group {
    private final GroupKey key;
    private final LongSupplier clock;
    private final EventHistory history;
    private final LinkedHashMap<String, JsonNode> items = new LinkedHashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private long seq;
    private long timestamp;
    private long tipSeq; // seq and timestamp of the last write handed to the journal
    private long tipTimestamp;
    private PendingWrites pending; // created when a write first waits for its journal
    private Object attachment;
    private volatile int size; // items.size() as of the last commit, read by listGroups

    private Group(GroupKey key, LongSupplier clock, EventHistory history) {
      this.key = key;
      this.clock = clock;
      this.history = history;
    }

    public GroupKey key() {
      return key;
    }

    /** The seq of the last committed change, 0 when there was none. */
    public long seq() {
      return seq;
    }

    /** The timestamp of the last committed change, 0 when there was none. */
    public long timestamp() {
      return timestamp;
    }

    /** The item's value, or {@code null} when it does not exist. */
    public JsonNode get(String item) {
      return items.get(item);
    }

    /**
     * The item's value after the writes of this group that are in the journal but not yet applied
     * (what the next write reads), or {@code null} when it does not exist then; caller holds the
     * monitor.
     */
    JsonNode latest(String item) {
      PendingWrites p = pending;
      return p != null && p.writes(item) ? p.value(item) : items.get(item);
    }

    /**
     * The item's version after the writes of this group that are in the journal but not yet applied
     * (what a guarded write checks), 0 when it does not exist then; caller holds the monitor.
     */
    long latestVersion(String item) {
      PendingWrites p = pending;
      return p != null && p.writes(item) ? p.version(item) : version(item);
    }

    /**
     * Whether no write of this group waits to be applied; caller holds the monitor.
     *
     * @return true when every write handed to the journal is applied
     */
    public boolean settled() {
      return pending == null || pending.isEmpty();
    }

    /** The group's pending writes, created on first use; caller holds the monitor. */
    PendingWrites pending() {
      if (pending == null) {
        pending = new PendingWrites();
      }
      return pending;
    }

    /** The pending writes, or null when none ever waited; caller holds the monitor. */
    PendingWrites pendingOrNull() {
      return pending;
    }

    /** A write was handed to the journal and waits: the next one follows it. */
    void handedOver(Change change) {
      tipSeq = change.seq();
      tipTimestamp = change.timestamp();
    }

    /** The pending writes failed: the next write follows the last applied one. */
    void rewind() {
      tipSeq = seq;
      tipTimestamp = timestamp;
    }

    /**
     * What the store's journal keeps per group (the kv store: its seq reservation), or null; caller
     * holds the monitor, or the table is still private to one thread.
     */
    public Object attachment() {
      return attachment;
    }

    /**
     * Sets what {@link #attachment()} returns.
     *
     * @param value the journal's per-group state
     */
    public void attach(Object value) {
      this.attachment = value;
    }

    /** Stores the value (a new item goes to the end of the list order); returns the old one. */
    public JsonNode put(String item, JsonNode value) {
      return items.put(item, value);
    }

    /**
     * Stores the value with its version (the seq of the change that wrote it), for a store
     * rebuilding its state from a log or a snapshot; returns the old value.
     */
    public JsonNode put(String item, JsonNode value, long version) {
      versions.put(item, version);
      return items.put(item, value);
    }

    /** Removes the item; returns its value, or {@code null} when it did not exist. */
    public JsonNode remove(String item) {
      versions.remove(item);
      return items.remove(item);
    }

    /**
     * The item's version: the seq of the change that last wrote it, 0 when it does not exist; an
     * item restored without one (a snapshot written before versions were kept) is at the group's
     * seq.
     */
    public long version(String item) {
      Long version = versions.get(item);
      if (version != null) {
        return version;
      }
      return items.containsKey(item) ? seq : 0;
    }

    /** The versions of the items, by id; call with the monitor held. */
    public Map<String, Long> versions() {
      Map<String, Long> copy = new HashMap<>(items.size() * 2);
      items.keySet().forEach(id -> copy.put(id, version(id)));
      return copy;
    }

    /**
     * The change the next write of this group gets: the seq after the last one handed to the
     * journal (applied or pending) and the timestamp {@code max(now, its timestamp + 1)}. Changes
     * nothing, so a store can persist it before it applies it.
     */
    Change next(String item, JsonNode oldValue, JsonNode newValue) {
      long ts = Math.max(clock.getAsLong(), tipTimestamp + 1);
      return new Change(key, item, oldValue, newValue, tipSeq + 1, ts);
    }

    /**
     * Commits {@code change} (from {@link #next}, already applied to the items): advances the
     * group's seq and timestamp and records its event in the history.
     */
    void commit(Change change, Event event) {
      if (change.newValue() != null) {
        versions.put(change.item(), change.seq());
      } else if (change.oldValue() != null) {
        versions.remove(change.item());
      }
      seq = change.seq();
      timestamp = change.timestamp();
      size = items.size();
      if (tipSeq < seq) {
        tipSeq = seq;
        tipTimestamp = timestamp;
      }
      history.record(event);
    }

    /**
     * Sets the seq and timestamp of the last change, already applied to the items, without telling
     * anyone: for a store rebuilding its state from a log or a snapshot.
     */
    public void advance(long seq, long timestamp) {
      this.seq = seq;
      this.timestamp = timestamp;
      this.tipSeq = seq;
      this.tipTimestamp = timestamp;
      this.size = items.size();
    }

    /** The group's items, seq and timestamp; takes the monitor. */
    public synchronized GroupSnapshot snapshot() {
      List<GroupSnapshot.Item> copy = new ArrayList<>(items.size());
      items.forEach((id, value) -> copy.add(new GroupSnapshot.Item(id, value)));
      return new GroupSnapshot(key, copy, seq, timestamp);
    }

    /** The group's seq and timestamp with at most the one item; takes the monitor. */
    public synchronized GroupSnapshot snapshot(String item) {
      JsonNode value = items.get(item);
      List<GroupSnapshot.Item> one =
          value == null ? List.of() : List.of(new GroupSnapshot.Item(item, value));
      return new GroupSnapshot(key, one, seq, timestamp);
    }
  }
}
