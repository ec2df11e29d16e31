package dev.rivulet.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The presence entries of this process by group: what the engine answers {@code stream::presence}
 * from when the adapter does not share presence ({@link StorageAdapter#presence} empty), and what
 * an adapter that shares it may keep to refresh or re-assert its own entries. Thread-safe; a group
 * without entries holds no memory.
 */
public final class PresenceTable {
  private final ConcurrentHashMap<GroupKey, Map<String, PresenceEntry>> groups =
      new ConcurrentHashMap<>();

  /** An empty table. */
  public PresenceTable() {}

  /**
   * Adds an entry, replacing one with the same key.
   *
   * @param group the entry's group; not null
   * @param entry the entry; not null
   */
  public void add(GroupKey group, PresenceEntry entry) {
    groups.compute(
        group,
        (g, entries) -> {
          Map<String, PresenceEntry> map = entries == null ? new ConcurrentHashMap<>() : entries;
          map.put(entry.key(), entry);
          return map;
        });
  }

  /**
   * Removes the entry with {@code key}.
   *
   * @param group the entry's group; not null
   * @param key the entry's key; not null
   * @return whether it was there
   */
  public boolean remove(GroupKey group, String key) {
    boolean[] removed = new boolean[1];
    groups.computeIfPresent(
        group,
        (g, entries) -> {
          removed[0] = entries.remove(key) != null;
          return entries.isEmpty() ? null : entries;
        });
    return removed[0];
  }

  /**
   * The group's entries, in no particular order.
   *
   * @param group the group; not null
   * @return a new list; empty for a group without entries
   */
  public List<PresenceEntry> entries(GroupKey group) {
    Map<String, PresenceEntry> entries = groups.get(group);
    return entries == null ? new ArrayList<>() : new ArrayList<>(entries.values());
  }

  /**
   * Calls {@code action} with each group that has entries and a copy of its entries.
   *
   * @param action receives a group and its entries; not null
   */
  public void forEach(BiConsumer<GroupKey, List<PresenceEntry>> action) {
    for (GroupKey group : groups.keySet()) {
      List<PresenceEntry> entries = entries(group);
      if (!entries.isEmpty()) {
        action.accept(group, entries);
      }
    }
  }
}
