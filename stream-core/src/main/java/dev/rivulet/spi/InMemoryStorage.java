package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.LongSupplier;

/**
 * All items in the JVM heap, kept in a {@link GroupTable}. One lock per group: writers of different
 * groups never wait for each other. A group keeps its {@code seq} after its last item is deleted
 * (so a re-created group goes on counting), but is no longer listed.
 */
final class InMemoryStorage implements StorageAdapter {
  private final GroupTable table;

  InMemoryStorage(LongSupplier clock, EventHistory.Limits historyLimits) {
    this.table = new GroupTable(clock, historyLimits);
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    return table.get(group, item);
  }

  @Override
  public Change set(GroupKey group, String item, JsonNode value, CommitListener listener) {
    GroupTable.Group g = table.obtain(group);
    synchronized (g) {
      JsonNode old = g.put(item, value);
      return g.commit(g.next(item, old, value), listener);
    }
  }

  @Override
  public Change delete(GroupKey group, String item, CommitListener listener) {
    GroupTable.Group g = table.find(group);
    if (g == null) {
      return Change.nothing(group, item);
    }
    synchronized (g) {
      JsonNode old = g.remove(item);
      if (old == null) {
        return Change.nothing(group, item);
      }
      return g.commit(g.next(item, old, null), listener);
    }
  }

  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater, CommitListener listener) {
    GroupTable.Group g = table.obtain(group);
    synchronized (g) {
      JsonNode old = g.get(item);
      JsonNode next = updater.apply(old);
      g.put(item, next);
      return g.commit(g.next(item, old, next), listener);
    }
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice, CommitListener listener) {
    GroupTable.Group g = table.obtain(group);
    synchronized (g) {
      return g.commit(g.next(item, null, null), listener);
    }
  }

  @Override
  public List<JsonNode> list(GroupKey group) {
    return table.list(group);
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group) {
    return table.snapshot(group);
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group, String item) {
    return table.snapshot(group, item);
  }

  @Override
  public void remember(StreamEvent event) {
    table.remember(event);
  }

  @Override
  public Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    return table.eventsSince(group, since);
  }

  @Override
  public List<String> listGroups(String stream) {
    return table.listGroups(stream);
  }

  @Override
  public SortedMap<String, List<String>> listAll() {
    return table.listAll();
  }

  @Override
  public void close() {
    // nothing to release
  }
}
