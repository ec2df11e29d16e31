package dev.rivulet.kv;

import dev.rivulet.StreamException;
import dev.rivulet.internal.store.GroupTable;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.Change;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The durable kv store: the in-process {@link TableStore} (one monitor per group) with a
 * write-ahead log plugged into its journal hook, background compaction and the directory lock. A
 * write holds its group's monitor while its record is appended and made durable (per the fsync
 * mode); only then does the table apply it and report it: readers never see a value that is not yet
 * persisted, a write that fails to persist changes nothing, and the engine sees each group's
 * changes in seq order after they are durable. Writers of different groups share one fsync through
 * the log's group commit.
 */
final class FileStorage extends TableStore {
  private final Path dir;
  private final DirLock dirLock;
  private final Wal wal;
  private final Compactor compactor;
  private final Object closeLock = new Object();
  private boolean closed;

  FileStorage(KvAdapter.Builder options, Recovery.Result recovered, DirLock dirLock)
      throws IOException {
    super(recovered.table());
    GroupTable table = recovered.table();
    this.dir = options.dir();
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

  /**
   * Appends the change's record and waits for it per the fsync mode; a send's record is only queued
   * (it keeps the seq going across restarts, and the next durable write forces it). Caller holds
   * the monitor.
   */
  @Override
  protected void append(Op op, Change change) throws IOException {
    byte type =
        switch (op) {
          case SET -> Records.SET;
          case DELETE -> Records.DELETE;
          case SEND -> Records.SEND;
        };
    byte[] record =
        Records.logRecord(
            type,
            change.group(),
            change.item(),
            change.seq(),
            change.timestamp(),
            change.newValue());
    if (op == Op.SEND) {
      wal.writeUnforced(record); // a transient event never waits for a force
    } else {
      wal.write(record);
    }
  }

  /** kv is also used on its own (without an engine): its failures are API exceptions. */
  @Override
  protected RuntimeException failure(String code, String message, Throwable cause) {
    return new StreamException(code, message, cause);
  }

  @Override
  protected String journalName() {
    return "the kv store in " + dir;
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
