package dev.rivulet.kv;

import dev.rivulet.internal.store.GroupTable;
import dev.rivulet.internal.store.TableStore;
import java.io.IOException;

/**
 * A group's durable {@code seq} high-water mark, so that {@code stream::send} (which stores
 * nothing) never writes to the log on its path and still never reuses a seq after a restart: a
 * RESERVE record in the log says "no seq up to {@code mark} may be handed out again". Sends take
 * seqs below the durable mark without touching the disk; when fewer than {@link #BLOCK}{@code / 2}
 * are left, the next send appends a record raising the mark to its seq + {@link #BLOCK} without
 * waiting for it. A send whose seq is above the durable mark (the group's first send after an open,
 * or sends that outran the reserve) waits for the record that covers it, once per block. Recovery
 * sets each group's seq to at least its mark; a clean close lowers the mark to the group's seq
 * again, so seqs jump only after a crash. Kept as the group's {@link
 * GroupTable.Group#attachment()}, guarded by its monitor.
 */
final class SeqReserve {
  /** Seqs reserved by one RESERVE record. */
  static final long BLOCK = 4096;

  private long durable; // no seq up to here is ever reused
  private long timestamp; // a lowered mark's timestamp: the group's last (a send's) at close
  private long requested; // the mark of the last RESERVE record appended
  private TableStore.Durability inFlight; // that record, while it may not be done
  private long inFlightMark;

  private SeqReserve(long mark) {
    this.durable = mark;
    this.requested = mark;
  }

  /** The group's reservation, created with mark 0 when it has none. */
  static SeqReserve of(GroupTable.Group group) {
    Object current = group.attachment();
    if (current instanceof SeqReserve r) {
      return r;
    }
    SeqReserve r = new SeqReserve(0);
    group.attach(r);
    return r;
  }

  /**
   * Recovery read a mark (from a snapshot or a RESERVE record): the later one holds.
   *
   * @param timestamp the timestamp of the group's last change when the mark was lowered at a clean
   *     close, else 0
   */
  static void recovered(GroupTable.Group group, long mark, long timestamp) {
    SeqReserve r = of(group);
    r.durable = mark;
    r.requested = mark;
    r.timestamp = timestamp;
  }

  /** End of recovery: the group's seq (and timestamp) at least its mark's. */
  static void raise(GroupTable.Group group) {
    if (group.attachment() instanceof SeqReserve r
        && (r.durable > group.seq() || r.timestamp > group.timestamp())) {
      group.advance(Math.max(r.durable, group.seq()), Math.max(r.timestamp, group.timestamp()));
    }
  }

  /** The durable mark (0 when none), as recovery and compaction keep it. */
  static long markOf(GroupTable.Group group) {
    return group.attachment() instanceof SeqReserve r ? r.mark() : 0;
  }

  private long mark() {
    if (inFlight != null && inFlight.done()) {
      if (inFlight.failure() == null) {
        durable = Math.max(durable, inFlightMark);
      } else {
        requested = durable; // ask again
      }
      inFlight = null;
    }
    return durable;
  }

  /**
   * Makes sure {@code seq} (a send's) is or will be covered by a durable mark.
   *
   * @param wal where RESERVE records go
   * @return null when {@code seq} is already covered, else the receipt of the record to wait for
   * @throws IOException when a needed RESERVE record could not be appended
   */
  TableStore.Durability cover(GroupTable.Group group, long seq, Wal wal) throws IOException {
    long covered = mark();
    if (requested < seq + BLOCK / 2) {
      long mark = seq + BLOCK;
      inFlight = wal.append(record(group, mark, 0));
      inFlightMark = mark;
      requested = mark;
    }
    return covered >= seq ? null : inFlight;
  }

  /**
   * On a clean close, with the monitor held after settling: lowers the mark to the group's seq
   * (every seq above it is unused), so the next open goes on with the next seq.
   *
   * @return the RESERVE record to append, or null when the mark is not above the seq or writes of
   *     the group are still pending
   */
  static byte[] lowered(GroupTable.Group group) {
    if (!(group.attachment() instanceof SeqReserve r)
        || r.requested <= group.seq()
        || !group.settled()) {
      return null;
    }
    r.durable = group.seq();
    r.requested = group.seq();
    r.inFlight = null;
    return record(group, group.seq(), group.timestamp());
  }

  private static byte[] record(GroupTable.Group group, long mark, long timestamp) {
    return Records.logRecord(Records.RESERVE, group.key(), null, mark, timestamp, null);
  }
}
