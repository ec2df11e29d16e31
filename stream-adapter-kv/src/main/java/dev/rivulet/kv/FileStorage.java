package dev.rivulet.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.CommitListener;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.GroupTable;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The durable kv store: its state in a {@link GroupTable} (one monitor per group), as in the core's
 * in-memory store, plus a write-ahead log. A write holds its group's monitor while its record is
 * appended and made durable (per the fsync mode), then applies the change to memory and tells the
 * listener, still under the monitor: readers never see a value that is not yet persisted, a write
 * that fails to persist changes nothing, and the listener sees each group's changes in seq order
 * after they are durable. Writers of different groups share one fsync through the log's group
 * commit.
 */
final class FileStorage implements StorageAdapter {
  private final Path dir;
  private final GroupTable table;
  private final DirLock dirLock;
  private final Wal wal;
  private final Compactor compactor;
  private final Object closeLock = new Object();
  private boolean closed;

  FileStorage(KvAdapter.Builder options, Recovery.Result recovered, DirLock dirLock)
      throws IOException {
    this.dir = options.dir();
    this.table = recovered.table();
    this.dirLock = dirLock;
    Manifest manifest = new Manifest(dir, recovered.manifest());
    this.compactor = new Compactor(dir, table, manifest);
    this.wal =
        new Wal(
            dir,
            manifest,
            options.fsync(),
            Wal.toNanos(options.batchInterval()),
            options.segmentSize(),
            options.compactionThreshold(),
            compactor::hint);
    compactor.start(wal);
  }

  /** Appends the change's record and waits for it per the fsync mode; caller holds the monitor. */
  private void persist(byte type, Change change, String code) {
    byte[] record =
        Records.logRecord(
            type,
            change.group(),
            change.item(),
            change.seq(),
            change.timestamp(),
            change.newValue());
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
    table.remember(event);
  }

  @Override
  public Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    return table.eventsSince(group, since);
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    return table.get(group, item);
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
    GroupTable.Group g = table.obtain(group);
    synchronized (g) {
      JsonNode old = g.get(item);
      JsonNode next = updater.apply(old);
      if (next == null) {
        throw new StreamException(code, "the new value of item " + item + " is null");
      }
      Change change = g.next(item, old, next);
      persist(Records.SET, change, code);
      g.put(item, next);
      return g.commit(change, listener);
    }
  }

  @Override
  public Change delete(GroupKey group, String item, CommitListener listener) {
    GroupTable.Group g = table.find(group);
    if (g == null) {
      return Change.nothing(group, item);
    }
    synchronized (g) {
      JsonNode old = g.get(item);
      if (old == null) {
        return Change.nothing(group, item);
      }
      Change change = g.next(item, old, null);
      persist(Records.DELETE, change, "STREAM_DELETE_ERROR");
      g.remove(item);
      return g.commit(change, listener);
    }
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice, CommitListener listener) {
    GroupTable.Group g = table.obtain(group);
    synchronized (g) {
      Change change = g.next(item, null, null);
      persist(Records.SEND, change, "STREAM_SEND_ERROR");
      return g.commit(change, listener);
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
  public List<String> listGroups(String stream) {
    return table.listGroups(stream);
  }

  @Override
  public SortedMap<String, List<String>> listAll() {
    return table.listAll();
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
