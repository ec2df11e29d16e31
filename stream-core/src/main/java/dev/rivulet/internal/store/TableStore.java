package dev.rivulet.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

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
  public interface Receipt {
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
  private volatile EventSink sink;

  public TableStore(GroupTable table) {
    this.table = table;
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
  protected Receipt append(GroupTable.Group group, Op op, Change change) throws IOException {
    return null;
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
    return put(group, item, current -> value, "STREAM_SET_ERROR");
  }

  @Override
  public final Change update(GroupKey group, String item, ItemUpdater updater) {
    return put(group, item, updater, "STREAM_UPDATE_ERROR");
  }

  private Change put(GroupKey group, String item, ItemUpdater updater, String code) {
    GroupTable.Group g = table.obtain(group);
    PendingWrites.Write w;
    synchronized (g) {
      settle(g);
      JsonNode old = g.latest(item);
      JsonNode next = updater.apply(old);
      if (next == null) {
        throw new StreamException(code, "the new value of item " + item + " is null");
      }
      Change change = g.next(item, old, next);
      w = stage(g, Op.SET, change, null, code);
      if (w == null) {
        return change;
      }
    }
    return finish(g, w, code);
  }

  @Override
  public final Change delete(GroupKey group, String item) {
    GroupTable.Group g = table.find(group);
    if (g == null) {
      return Change.nothing(group, item);
    }
    PendingWrites.Write w;
    synchronized (g) {
      settle(g);
      JsonNode old = g.latest(item);
      if (old == null) {
        return Change.nothing(group, item);
      }
      Change change = g.next(item, old, null);
      w = stage(g, Op.DELETE, change, null, "STREAM_DELETE_ERROR");
      if (w == null) {
        return change;
      }
    }
    return finish(g, w, "STREAM_DELETE_ERROR");
  }

  @Override
  public final Change send(GroupKey group, String item, Notice notice) {
    GroupTable.Group g = table.obtain(group);
    PendingWrites.Write w;
    synchronized (g) {
      settle(g);
      Change change = g.next(item, null, null);
      w = stage(g, Op.SEND, change, notice, "STREAM_SEND_ERROR");
      if (w == null) {
        return change;
      }
    }
    return finish(g, w, "STREAM_SEND_ERROR");
  }

  /**
   * Hands the change to the journal; applies and reports it at once when there is nothing to wait
   * for (returns null), else queues it (returns the pending write). Caller holds the monitor.
   */
  private PendingWrites.Write stage(
      GroupTable.Group g, Op op, Change change, Notice notice, String code) {
    Receipt receipt;
    try {
      receipt = append(g, op, change);
    } catch (IOException e) {
      throw failure(code, e.getMessage(), e);
    }
    if (receipt == null && g.settled()) {
      apply(g, op, change, notice);
      return null;
    }
    PendingWrites.Write w = new PendingWrites.Write(op, change, notice, receipt);
    g.pending().add(w);
    g.handedOver(change);
    return w;
  }

  /** Waits outside the monitor for the write's record, then for its turn; returns or throws. */
  private Change finish(GroupTable.Group g, PendingWrites.Write w, String code) {
    if (w.receipt != null) {
      w.receipt.await();
    }
    if (w.applied) {
      return w.change; // the batch's first writer applied it: no second pass through the monitor
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
      throw failure(code, w.failure, null);
    }
    return w.change;
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

  private StreamException failure(String code, String message, IOException cause) {
    return new StreamException(
        code, "could not persist the change to " + journalName() + ": " + message, cause);
  }

  /**
   * Applies a persisted change to the items, advances the group, records the event and reports it;
   * caller holds the monitor.
   */
  private void apply(GroupTable.Group g, Op op, Change change, Notice notice) {
    StreamEvent event;
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
  public final Optional<List<StreamEvent>> eventsSince(GroupKey group, long since) {
    return table.eventsSince(group, since);
  }

  /** Releases what the journal holds; the default has nothing to release. */
  @Override
  public void close() {}
}
