package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * All items in the JVM heap. One lock per group: writers of different groups never wait for each
 * other. A group keeps its {@code seq} after its last item is deleted (so a re-created group goes
 * on counting), but is no longer listed.
 */
final class InMemoryStorage implements StorageAdapter {
  private final ConcurrentMap<String, ConcurrentSkipListMap<String, Group>> streams =
      new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final EventHistory.Limits historyLimits;

  InMemoryStorage(LongSupplier clock, EventHistory.Limits historyLimits) {
    this.clock = clock;
    this.historyLimits = historyLimits;
  }

  /** One group: its items in list order, guarded by the group's monitor. */
  private static final class Group {
    final GroupKey key;
    final LinkedHashMap<String, JsonNode> items = new LinkedHashMap<>();
    long seq;
    long timestamp;
    volatile int size;
    final EventHistory history;

    Group(GroupKey key, EventHistory history) {
      this.key = key;
      this.history = history;
    }

    /** Assigns the next seq and timestamp; caller holds the monitor. */
    Change commit(String item, JsonNode oldValue, JsonNode newValue, long now) {
      seq++;
      timestamp = Math.max(now, timestamp + 1);
      size = items.size();
      return new Change(key, item, oldValue, newValue, seq, timestamp);
    }
  }

  private Group find(GroupKey key) {
    Map<String, Group> groups = streams.get(key.stream());
    return groups == null ? null : groups.get(key.group());
  }

  private Group obtain(GroupKey key) {
    return streams
        .computeIfAbsent(key.stream(), s -> new ConcurrentSkipListMap<>(Names.ORDER))
        .computeIfAbsent(key.group(), g -> new Group(key, new EventHistory(historyLimits, clock)));
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    Group g = find(group);
    if (g == null) {
      return null;
    }
    synchronized (g) {
      return g.items.get(item);
    }
  }

  @Override
  public Change set(GroupKey group, String item, JsonNode value, CommitListener listener) {
    Group g = obtain(group);
    synchronized (g) {
      JsonNode old = g.items.put(item, value);
      Change change = g.commit(item, old, value, clock.getAsLong());
      listener.committed(change);
      return change;
    }
  }

  @Override
  public Change delete(GroupKey group, String item, CommitListener listener) {
    Group g = find(group);
    if (g == null) {
      return Change.nothing(group, item);
    }
    synchronized (g) {
      JsonNode old = g.items.remove(item);
      if (old == null) {
        return Change.nothing(group, item);
      }
      Change change = g.commit(item, old, null, clock.getAsLong());
      listener.committed(change);
      return change;
    }
  }

  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater, CommitListener listener) {
    Group g = obtain(group);
    synchronized (g) {
      JsonNode old = g.items.get(item);
      JsonNode next = updater.apply(old);
      g.items.put(item, next);
      Change change = g.commit(item, old, next, clock.getAsLong());
      listener.committed(change);
      return change;
    }
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice, CommitListener listener) {
    Group g = obtain(group);
    synchronized (g) {
      Change change = g.commit(item, null, null, clock.getAsLong());
      listener.committed(change);
      return change;
    }
  }

  @Override
  public List<JsonNode> list(GroupKey group) {
    Group g = find(group);
    if (g == null) {
      return List.of();
    }
    synchronized (g) {
      return List.copyOf(g.items.values());
    }
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group) {
    Group g = find(group);
    if (g == null) {
      return new GroupSnapshot(group, List.of(), 0, 0);
    }
    synchronized (g) {
      List<GroupSnapshot.Item> items = new ArrayList<>(g.items.size());
      g.items.forEach((id, value) -> items.add(new GroupSnapshot.Item(id, value)));
      return new GroupSnapshot(group, items, g.seq, g.timestamp);
    }
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group, String item) {
    Group g = find(group);
    if (g == null) {
      return new GroupSnapshot(group, List.of(), 0, 0);
    }
    synchronized (g) {
      JsonNode value = g.items.get(item);
      List<GroupSnapshot.Item> items =
          value == null ? List.of() : List.of(new GroupSnapshot.Item(item, value));
      return new GroupSnapshot(group, items, g.seq, g.timestamp);
    }
  }

  @Override
  public void remember(StreamEvent event) {
    Group g = find(event.group());
    if (g != null) {
      g.history.record(event);
    }
  }

  @Override
  public Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    Group g = find(group);
    if (g == null) {
      return since == 0 ? Optional.of(List.of()) : Optional.empty();
    }
    synchronized (g) {
      return g.history.since(since, g.seq);
    }
  }

  @Override
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

  @Override
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

  @Override
  public void close() {
    // nothing to release
  }
}
