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
import java.util.function.LongSupplier;

/**
 * The one write path of the in-process stores, over a {@link GroupTable}: the core's in-memory
 * store is this class as is, the kv file store plugs its write-ahead log into {@link #append}. Not
 * SPI (core exports this package only to the kv module).
 *
 * <p>A write holds its group's monitor from reading the old value to the report: it computes the
 * change (next seq, timestamp), {@linkplain #append appends} it to the journal (a durable store
 * returns once the record is persisted per its fsync mode; a failure aborts the write and changes
 * nothing), applies it to the table, records its event in the group's history, and reports the
 * event to the engine's sink, {@link EventSink#committed} then {@link EventSink#event} (in-process
 * delivery). So readers never see a value that is not yet persisted, and the sink sees each group's
 * events in seq order, once they are durable.
 *
 * <p>Guarded writes ({@link Guard}) check the item's version and the idempotency key's receipt
 * under the same monitor, before anything is computed or persisted; receipts live in this JVM only
 * ({@link Receipts}: per key its window, at most 100 000 by default), so they do not survive a
 * restart of a durable store. Item versions do: they are the seqs of the journal records and
 * snapshots.
 */
public class TableStore implements StorageAdapter {
  /** What a journal record does. */
  public enum Op {
    SET,
    DELETE,
    SEND
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
   * Persists {@code change} before the table applies it; called with the group's monitor held, in
   * seq order per group. {@link Op#SET} changes carry the new value, {@link Op#DELETE} the removed
   * one, {@link Op#SEND} none. The default keeps nothing (the in-memory store).
   *
   * @throws IOException when the change could not be persisted: the write fails with its {@code
   *     STREAM_*_ERROR} and nothing changes
   */
  protected void append(Op op, Change change) throws IOException {}

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
    synchronized (g) {
      Receipt first = receipts.replay(group, guard);
      if (first != null) {
        return first;
      }
      guard.checkVersion(item, g.version(item));
      JsonNode old = g.get(item);
      JsonNode next = updater.apply(old);
      if (next == null) {
        throw failure(code, "the new value of item " + item + " is null", null);
      }
      Change change = g.next(item, old, next);
      persist(Op.SET, change, code);
      g.put(item, next);
      return receipts.remember(
          group,
          guard,
          commit(g, change, change.event()),
          guard.idempotent() ? updater.note() : null);
    }
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
    synchronized (g) {
      Receipt first = receipts.replay(group, guard);
      if (first != null) {
        return first;
      }
      guard.checkVersion(item, g.version(item));
      JsonNode old = g.get(item);
      if (old == null) {
        return receipts.remember(group, guard, Change.nothing(group, item), null);
      }
      Change change = g.next(item, old, null);
      persist(Op.DELETE, change, "STREAM_DELETE_ERROR");
      g.remove(item);
      return receipts.remember(group, guard, commit(g, change, change.event()), null);
    }
  }

  @Override
  public final Change send(GroupKey group, String item, Notice notice) {
    return send(group, item, notice, Guard.NONE).change();
  }

  @Override
  public final Receipt send(GroupKey group, String item, Notice notice, Guard guard) {
    GroupTable.Group g = table.obtain(group);
    synchronized (g) {
      Receipt first = receipts.replay(group, guard);
      if (first != null) {
        return first;
      }
      Change change = g.next(item, null, null);
      persist(Op.SEND, change, "STREAM_SEND_ERROR");
      return receipts.remember(group, guard, commit(g, change, change.event(notice)), null);
    }
  }

  private void persist(Op op, Change change, String code) {
    try {
      append(op, change);
    } catch (IOException e) {
      throw failure(
          code, "could not persist the change to " + journalName() + ": " + e.getMessage(), e);
    }
  }

  /** Advances the group, records the event and reports it; caller holds the monitor. */
  private Change commit(GroupTable.Group g, Change change, Event event) {
    g.commit(change, event);
    EventSink target = sink;
    if (target != null) {
      target.committed(event);
      target.event(event);
    }
    return change;
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
