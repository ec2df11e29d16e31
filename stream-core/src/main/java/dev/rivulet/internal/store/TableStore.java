package dev.rivulet.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.Receipt;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The one write path of the in-process stores, over a {@link GroupTable}: the core's in-memory
 * store is this class as is, the kv file store plugs its write-ahead log into {@link #append}. Not
 * SPI (core exports this package only to the kv module).
 *
 * <p>A write takes its group's monitor, reads the item's latest value (including the group's writes
 * that are not yet persisted, so read-modify-write stays linearizable per item), computes the
 * change (next seq, timestamp) and {@linkplain #append hands it to the journal}. When the journal
 * has nothing to wait for (the in-memory store) and no earlier write of the group is pending, the
 * write is applied and reported at once, still under the monitor. Otherwise the monitor is released
 * while the record is made durable (a durable journal shares one fsync among every record waiting,
 * of any group); then, under the monitor again, the group's pending writes whose records are
 * persisted are applied, recorded in its history and reported to the engine's sink ({@link
 * EventSink#committed} then {@link EventSink#event}) strictly in seq order, by whichever writer
 * gets there first. When a record fails, it and every later pending write of its group fail and
 * nothing of them is applied. So readers see only persisted state, and the sink sees each group's
 * events in seq order, once they are durable, before the write returns.
 *
 * <p>Guarded writes ({@link Guard}) check the item's version (as of the group's pending writes) and
 * the idempotency key's receipt under the same monitor, before anything is computed or handed to
 * the journal. A receipt is remembered when its write is handed over and forgotten again if that
 * write fails; a repeat arriving while the first call still waits for its fsync is answered with
 * the first call's result at once. Receipts live in this JVM only ({@link Receipts}: per key its
 * window, at most 100 000 by default), so they do not survive a restart of a durable store. Item
 * versions do: they are the seqs of the journal records and snapshots.
 */
public class TableStore implements StorageAdapter {
  /** What a journal record does. */
  public enum Op {
    SET,
    DELETE,
    SEND
  }

  /**
   * The outcome of a journal record that is known later than {@link #append} returns: it is handed
   * back by {@code append} and polled and awaited by the store.
   */
  public interface Durability {
    /**
     * Whether the record's outcome is known; never blocks.
     *
     * @return true once the record is persisted or has failed
     */
    boolean done();

    /**
     * Why the record could not be persisted.
     *
     * @return the failure, or null when it is persisted (meaningful once {@link #done()})
     */
    IOException failure();

    /** Waits until {@link #done()}, from any thread, ignoring interrupts (kept set). */
    void await();
  }

  private final GroupTable table;
  private final Receipts receipts;
  private volatile EventSink sink;

  public TableStore(GroupTable table) {
    this(table, Receipts.DEFAULT_LIMIT);
  }

  /**
   * A store over {@code table} remembering at most {@code idempotencyKeys} receipts of idempotent
   * writes (default 100 000), the oldest forgotten first.
   */
  public TableStore(GroupTable table, int idempotencyKeys) {
    if (idempotencyKeys < 1) {
      throw new IllegalArgumentException("idempotencyKeys must be at least 1: " + idempotencyKeys);
    }
    this.table = table;
    this.receipts = new Receipts(table.clock(), idempotencyKeys);
  }

  /**
   * A store that keeps everything in this JVM (the engine's default store, {@code
   * KvAdapter.inMemory()}), stamping with {@code clock} and keeping {@code history} per group.
   *
   * @throws NullPointerException when {@code clock} or {@code history} is null
   */
  public static TableStore inMemory(LongSupplier clock, EventHistory.Limits history) {
    return new TableStore(new GroupTable(clock, history));
  }

  /**
   * Hands {@code change} to the journal; called with the group's monitor held, in seq order per
   * group. {@link Op#SET} changes carry the new value, {@link Op#DELETE} the removed one, {@link
   * Op#SEND} none. The default keeps nothing (the in-memory store).
   *
   * @param group the group written, whose monitor is held
   * @param op what the change does
   * @param change the change, with its seq and timestamp
   * @return null when the change needs no waiting (it is persisted as far as it needs to be), else
   *     the receipt the write waits for, outside the monitor, before it is applied
   * @throws IOException when the change could not be handed over: the write fails with its {@code
   *     STREAM_*_ERROR} and nothing changes
   */
  protected Durability append(GroupTable.Group group, Op op, Change change) throws IOException {
    return null;
  }

  /**
   * The exception a failed write throws: {@code code} is the operation's {@code STREAM_*_ERROR}.
   * This package knows no API type, so the default is an {@link IllegalStateException} with the
   * message, which the engine wraps with {@code code} like any adapter failure; a store that is
   * used on its own (kv) returns its {@code StreamException} here.
   *
   * @param code the operation's error code, e.g. {@code STREAM_SET_ERROR}
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  protected RuntimeException failure(String code, String message, Throwable cause) {
    return new IllegalStateException(message, cause);
  }

  /** Names the journal in error messages. */
  protected String journalName() {
    return "the journal";
  }

  @Override
  public final void start(EventSink sink) {
    this.sink = sink;
  }

  @Override
  public final Change set(GroupKey group, String item, JsonNode value) {
    return set(group, item, value, Guard.NONE).change();
  }

  @Override
  public final Receipt set(GroupKey group, String item, JsonNode value, Guard guard) {
    return put(group, item, current -> value, guard, "STREAM_SET_ERROR");
  }

  @Override
  public final Change update(GroupKey group, String item, ItemUpdater updater) {
    return update(group, item, updater, Guard.NONE).change();
  }

  @Override
  public final Receipt update(GroupKey group, String item, ItemUpdater updater, Guard guard) {
    return put(group, item, updater, guard, "STREAM_UPDATE_ERROR");
  }

  private Receipt put(GroupKey group, String item, ItemUpdater updater, Guard guard, String code) {
    GroupTable.Group g = table.obtain(group);
    PendingWrites.Write w;
    Receipt receipt;
    synchronized (g) {
      settle(g);
      Receipt first = receipts.replay(group, guard);
      if (first != null) {
        return first;
      }
      guard.checkVersion(item, g.latestVersion(item));
      JsonNode old = g.latest(item);
      JsonNode next = updater.apply(old);
      if (next == null) {
        throw failure(code, "the new value of item " + item + " is null", null);
      }
      Change change = g.next(item, old, next);
      w = stage(g, Op.SET, change, null, guard, code);
      receipt = receipts.remember(group, guard, change, guard.idempotent() ? updater.note() : null);
      if (w == null) {
        return receipt;
      }
    }
    finish(g, w, code);
    return receipt;
  }

  @Override
  public final Change delete(GroupKey group, String item) {
    return delete(group, item, Guard.NONE).change();
  }

  @Override
  public final Receipt delete(GroupKey group, String item, Guard guard) {
    GroupTable.Group g = guard.isNone() ? table.find(group) : table.obtain(group);
    if (g == null) {
      return Receipt.of(Change.nothing(group, item));
    }
    PendingWrites.Write w;
    Receipt receipt;
    synchronized (g) {
      settle(g);
      Receipt first = receipts.replay(group, guard);
      if (first != null) {
        return first;
      }
      guard.checkVersion(item, g.latestVersion(item));
      JsonNode old = g.latest(item);
      if (old == null) {
        return receipts.remember(group, guard, Change.nothing(group, item), null);
      }
      Change change = g.next(item, old, null);
      w = stage(g, Op.DELETE, change, null, guard, "STREAM_DELETE_ERROR");
      receipt = receipts.remember(group, guard, change, null);
      if (w == null) {
        return receipt;
      }
    }
    finish(g, w, "STREAM_DELETE_ERROR");
    return receipt;
  }

  @Override
  public final Change send(GroupKey group, String item, Notice notice) {
    return send(group, item, notice, Guard.NONE).change();
  }

  @Override
  public final Receipt send(GroupKey group, String item, Notice notice, Guard guard) {
    GroupTable.Group g = table.obtain(group);
    PendingWrites.Write w;
    Receipt receipt;
    synchronized (g) {
      settle(g);
      Receipt first = receipts.replay(group, guard);
      if (first != null) {
        return first;
      }
      Change change = g.next(item, null, null);
      w = stage(g, Op.SEND, change, notice, guard, "STREAM_SEND_ERROR");
      receipt = receipts.remember(group, guard, change, null);
      if (w == null) {
        return receipt;
      }
    }
    finish(g, w, "STREAM_SEND_ERROR");
    return receipt;
  }

  /**
   * Hands the change to the journal; applies and reports it at once when there is nothing to wait
   * for (returns null), else queues it (returns the pending write). Caller holds the monitor.
   */
  private PendingWrites.Write stage(
      GroupTable.Group g, Op op, Change change, Notice notice, Guard guard, String code) {
    Durability receipt;
    try {
      receipt = append(g, op, change);
    } catch (IOException e) {
      throw persistFailure(code, e.getMessage(), e);
    }
    if (receipt == null && g.settled()) {
      apply(g, op, change, notice);
      return null;
    }
    PendingWrites.Write w = new PendingWrites.Write(op, change, notice, receipt, guard);
    g.pending().add(w);
    g.handedOver(change);
    return w;
  }

  /** Waits outside the monitor for the write's record, then for its turn; returns or throws. */
  private void finish(GroupTable.Group g, PendingWrites.Write w, String code) {
    if (w.receipt != null) {
      w.receipt.await();
    }
    if (w.applied) {
      return; // the batch's first writer applied it: no second pass through the monitor
    }
    boolean interrupted = false;
    synchronized (g) {
      settle(g);
      PendingWrites pending = g.pending();
      while (w.pending()) { // an earlier write's record is not done yet: it applies this one
        pending.waiting++;
        try {
          g.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        } finally {
          pending.waiting--;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (w.failure != null) {
      throw persistFailure(code, w.failure, null);
    }
  }

  /**
   * Applies and reports the group's pending writes whose records are done, oldest first, stopping
   * at the first that is not; a failed one fails every pending write of the group. Caller holds the
   * monitor.
   */
  private void settle(GroupTable.Group g) {
    PendingWrites p = g.pendingOrNull();
    if (p == null || p.isEmpty()) {
      return;
    }
    boolean moved = false;
    for (PendingWrites.Write w = p.head(); w != null && w.ready(); w = p.head()) {
      moved = true;
      IOException failed = w.receipt == null ? null : w.receipt.failure();
      if (failed != null) {
        for (PendingWrites.Write x : p.clear()) {
          receipts.forget(g.key(), x.guard);
          x.failure =
              x == w
                  ? failed.getMessage()
                  : "an earlier write of the group failed (" + failed.getMessage() + ")";
        }
        g.rewind();
        break;
      }
      p.poll();
      apply(g, w.op, w.change, w.notice);
      w.applied = true;
    }
    if (moved && p.waiting > 0) {
      g.notifyAll();
    }
  }

  private RuntimeException persistFailure(String code, String message, IOException cause) {
    return failure(
        code, "could not persist the change to " + journalName() + ": " + message, cause);
  }

  /**
   * Applies a persisted change to the items, advances the group, records the event and reports it;
   * caller holds the monitor.
   */
  private void apply(GroupTable.Group g, Op op, Change change, Notice notice) {
    Event event;
    switch (op) {
      case SET -> {
        g.put(change.item(), change.newValue());
        event = change.event();
      }
      case DELETE -> {
        g.remove(change.item());
        event = change.event();
      }
      default -> event = change.event(notice);
    }
    g.commit(change, event);
    EventSink target = sink;
    if (target != null) {
      target.committed(event);
      target.event(event);
    }
  }

  /**
   * Reads {@code group} under its monitor after applying its pending writes whose records are done
   * (compaction: a snapshot must hold every change whose record is in the log it replaces).
   *
   * @param <T> what is read
   * @param group the group
   * @param read what to read; called with the monitor held
   * @return what {@code read} returned
   */
  protected final <T> T settled(GroupTable.Group group, Function<GroupTable.Group, T> read) {
    synchronized (group) {
      settle(group);
      return read.apply(group);
    }
  }

  @Override
  public final JsonNode get(GroupKey group, String item) {
    return table.get(group, item);
  }

  @Override
  public final List<JsonNode> list(GroupKey group) {
    return table.list(group);
  }

  @Override
  public final GroupSnapshot snapshot(GroupKey group) {
    return table.snapshot(group);
  }

  @Override
  public final GroupSnapshot snapshot(GroupKey group, String item) {
    return table.snapshot(group, item);
  }

  @Override
  public final List<String> listGroups(String stream) {
    return table.listGroups(stream);
  }

  @Override
  public final SortedMap<String, List<String>> listAll() {
    return table.listAll();
  }

  @Override
  public final Optional<List<Event>> eventsSince(GroupKey group, long since) {
    return table.eventsSince(group, since);
  }

  /** Releases what the journal holds; the default has nothing to release. */
  @Override
  public void close() {}
}
