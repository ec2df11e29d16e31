package dev.rivulet.kv;

import dev.rivulet.StreamException;
import dev.rivulet.internal.store.GroupTable;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.Change;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable kv store: the in-process {@link TableStore} (one monitor per group) with a
 * write-ahead log plugged into its journal hook, background compaction and the directory lock. A
 * write appends its record under its group's monitor without waiting, waits for it outside the
 * monitor (per the fsync mode; the log's group commit shares one fsync among every waiting record,
 * of one group or many), and only then does the table apply it and report it, in seq order: readers
 * never see a value that is not yet persisted, a write that fails to persist changes nothing, and
 * the engine sees each group's changes in seq order after they are durable. A send writes nothing
 * but, once per {@link SeqReserve#BLOCK} seqs, a RESERVE record it does not wait for.
 */
final class FileStorage extends TableStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileStorage.class);

  private final Path dir;
  private final GroupTable table;
  private final DirLock dirLock;
  private final Wal wal;
  private final Compactor compactor;
  private final Object closeLock = new Object();
  private boolean closed;

  FileStorage(KvAdapter.Builder options, Recovery.Result recovered, DirLock dirLock)
      throws IOException {
    super(recovered.table());
    this.table = recovered.table();
    this.dir = options.dir();
    this.dirLock = dirLock;
    Manifest manifest = new Manifest(dir, recovered.manifest());
    this.compactor =
        new Compactor(
            dir,
            table,
            g ->
                settled(
                    g, x -> new Snapshots.Group(x.snapshot(), x.versions(), SeqReserve.markOf(x))),
            manifest);
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
   * Appends a set's or delete's record and returns its receipt; a send only makes sure its seq is
   * covered by the group's reservation. Caller holds the monitor.
   */
  @Override
  protected Durability append(GroupTable.Group group, Op op, Change change) throws IOException {
    if (op == Op.SEND) {
      return SeqReserve.of(group).cover(group, change.seq(), wal);
    }
    byte type = op == Op.SET ? Records.SET : Records.DELETE;
    return wal.append(
        Records.logRecord(
            type,
            change.group(),
            change.item(),
            change.seq(),
            change.timestamp(),
            change.newValue()));
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

  /**
   * Lowers every group's seq mark to its seq; {@link Wal#close} then forces the records. Best
   * effort: when the log takes nothing more, the next open only jumps the seqs.
   */
  private void lowerMarks() {
    table.forEachGroup(g -> settled(g, this::lowerMark));
  }

  private Void lowerMark(GroupTable.Group g) {
    byte[] record = SeqReserve.lowered(g);
    if (record != null) {
      try {
        wal.append(record);
      } catch (IOException e) {
        LOG.debug(
            "kv store in {} could not lower the seq mark of {}: {}", dir, g.key(), e.toString());
      }
    }
    return null;
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
    lowerMarks();
    wal.close();
    dirLock.close();
  }
}
