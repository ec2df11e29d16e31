package dev.rivulet.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.CommitListener;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Names;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The durable kv store: in-memory state like the core's in-memory store (one monitor per group)
 * plus a write-ahead log. A write holds its group's monitor while its record is appended and made
 * durable (per the fsync mode), then applies the change to memory and tells the listener, still
 * under the monitor: readers never see a value that is not yet persisted, a write that fails to
 * persist changes nothing, and the listener sees each group's changes in seq order after they are
 * durable. Writers of different groups share one fsync through the log's group commit.
 */
final class FileStorage implements StorageAdapter {
  private final Path dir;
  private final ConcurrentMap<String, ConcurrentSkipListMap<String, KvGroup>> streams;
  private final LongSupplier clock;
  private final EventHistory.Limits historyLimits;
  private final ConcurrentMap<GroupKey, EventHistory> histories = new ConcurrentHashMap<>();
  private final DirLock dirLock;
  private final Wal wal;
  private final Compactor compactor;
  private final Object closeLock = new Object();
  private boolean closed;

  FileStorage(KvAdapter.Builder options, Recovery.Result recovered, DirLock dirLock)
      throws IOException {
    this.dir = options.dir();
    this.streams = recovered.streams();
    this.clock = options.clock();
    this.historyLimits = options.history();
    this.dirLock = dirLock;
    this.compactor = new Compactor(dir, streams);
    this.wal =
        new Wal(
            dir,
            recovered.nextSegment(),
            options.fsync(),
            Wal.toNanos(options.batchInterval()),
            options.segmentSize(),
            options.compactionThreshold(),
            compactor::hint);
    compactor.start(wal);
  }

  static ConcurrentMap<String, ConcurrentSkipListMap<String, KvGroup>> emptyState() {
    return new ConcurrentHashMap<>();
  }

  static KvGroup obtain(
      ConcurrentMap<String, ConcurrentSkipListMap<String, KvGroup>> streams, GroupKey key) {
    return streams
        .computeIfAbsent(key.stream(), s -> new ConcurrentSkipListMap<>(Names.ORDER))
        .computeIfAbsent(key.group(), g -> new KvGroup(key));
  }

  private KvGroup find(GroupKey key) {
    Map<String, KvGroup> groups = streams.get(key.stream());
    return groups == null ? null : groups.get(key.group());
  }

  /** Appends the record and waits for it per the fsync mode; caller holds the group monitor. */
  private void persist(
      KvGroup g, byte type, String item, long seq, long ts, JsonNode value, String code) {
    byte[] record = Records.logRecord(type, g.key, item, seq, ts, value);
    try {
      wal.write(record);
    } catch (IOException e) {
      throw new StreamException(
          code,
          "could not persist the change to the kv store in " + dir + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void remember(StreamEvent event) {
    histories
        .computeIfAbsent(event.group(), g -> new EventHistory(historyLimits, clock))
        .record(event);
  }

  @Override
  public Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    KvGroup g = find(group);
    if (g == null) {
      return since == 0 ? Optional.of(List.of()) : Optional.empty();
    }
    synchronized (g) {
      if (since == g.seq) {
        return Optional.of(List.of());
      }
      EventHistory history = histories.get(group);
      return history == null ? Optional.empty() : history.since(since, g.seq);
    }
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    KvGroup g = find(group);
    if (g == null) {
      return null;
    }
    synchronized (g) {
      return g.items.get(item);
    }
  }

  @Override
  public Change set(GroupKey group, String item, JsonNode value, CommitListener listener) {
    return put(group, item, current -> value, listener, "STREAM_SET_ERROR");
  }

  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater, CommitListener listener) {
    return put(group, item, updater, listener, "STREAM_UPDATE_ERROR");
  }

  private Change put(
      GroupKey group, String item, ItemUpdater updater, CommitListener listener, String code) {
    KvGroup g = obtain(streams, group);
    synchronized (g) {
      JsonNode old = g.items.get(item);
      JsonNode next = updater.apply(old);
      if (next == null) {
        throw new StreamException(code, "the new value of item " + item + " is null");
      }
      long seq = g.seq + 1;
      long ts = g.nextTimestamp(clock.getAsLong());
      persist(g, Records.SET, item, seq, ts, next, code);
      g.items.put(item, next);
      return commit(g, new Change(group, item, old, next, seq, ts), listener);
    }
  }

  @Override
  public Change delete(GroupKey group, String item, CommitListener listener) {
    KvGroup g = find(group);
    if (g == null) {
      return Change.nothing(group, item);
    }
    synchronized (g) {
      JsonNode old = g.items.get(item);
      if (old == null) {
        return Change.nothing(group, item);
      }
      long seq = g.seq + 1;
      long ts = g.nextTimestamp(clock.getAsLong());
      persist(g, Records.DELETE, item, seq, ts, null, "STREAM_DELETE_ERROR");
      g.items.remove(item);
      return commit(g, new Change(group, item, old, null, seq, ts), listener);
    }
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice, CommitListener listener) {
    KvGroup g = obtain(streams, group);
    synchronized (g) {
      long seq = g.seq + 1;
      long ts = g.nextTimestamp(clock.getAsLong());
      persist(g, Records.SEND, item, seq, ts, null, "STREAM_SEND_ERROR");
      return commit(g, new Change(group, item, null, null, seq, ts), listener);
    }
  }

  private static Change commit(KvGroup g, Change change, CommitListener listener) {
    g.advance(change.seq(), change.timestamp());
    listener.committed(change);
    return change;
  }

  @Override
  public List<JsonNode> list(GroupKey group) {
    KvGroup g = find(group);
    if (g == null) {
      return List.of();
    }
    synchronized (g) {
      return List.copyOf(g.items.values());
    }
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group) {
    KvGroup g = find(group);
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
    KvGroup g = find(group);
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
  public List<String> listGroups(String stream) {
    Map<String, KvGroup> groups = streams.get(stream);
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

  /** Runs one compaction on the calling thread (tests); returns the new snapshot's segment. */
  long compactNow() throws IOException, InterruptedException {
    return compactor.compact();
  }

  Compactor compactor() {
    return compactor;
  }

  Wal wal() {
    return wal;
  }

  /** Stops compaction, flushes and forces the log in every fsync mode, releases the lock. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    compactor.close();
    wal.close();
    dirLock.close();
  }
}
