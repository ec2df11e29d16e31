package dev.rivulet.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.Receipt;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The receipts of a {@link TableStore}'s idempotent writes, by group and key: each is kept for its
 * write's window (by the table's clock) and at most {@link #DEFAULT_LIMIT} (or the given limit) are
 * kept at once, the oldest forgotten first. Looked up and filled by writers holding their group's
 * monitor, so the check and the remembering are atomic with the write; its own lock is taken inside
 * the group monitor and never the other way round.
 */
final class Receipts {
  /** How many keys an in-process store remembers at most (over all groups). */
  static final int DEFAULT_LIMIT = 100_000;

  private record Key(GroupKey group, String key) {}

  private record Entry(Receipt receipt, long expiresAt) {}

  private final Map<Key, Entry> entries = new LinkedHashMap<>();
  private final LongSupplier clock;
  private final int limit;

  Receipts(LongSupplier clock, int limit) {
    this.clock = clock;
    this.limit = limit;
  }

  /** The first call's receipt (as a replay) when the guard's key is remembered, else null. */
  Receipt replay(GroupKey group, Guard guard) {
    return guard.idempotent() ? lookUp(group, guard) : null; // no store-wide lock without a key
  }

  private synchronized Receipt lookUp(GroupKey group, Guard guard) {
    Key key = new Key(group, guard.idempotencyKey());
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (entry.expiresAt <= clock.getAsLong()) {
      entries.remove(key);
      return null;
    }
    return new Receipt(entry.receipt.change(), entry.receipt.note(), true);
  }

  /** The receipt of {@code change}, remembered when the guard has a key. */
  Receipt remember(GroupKey group, Guard guard, Change change, JsonNode note) {
    Receipt receipt = new Receipt(change, note, false);
    if (guard.idempotent()) { // no store-wide lock without a key
      keep(group, guard, receipt);
    }
    return receipt;
  }

  private synchronized void keep(GroupKey group, Guard guard, Receipt receipt) {
    long now = clock.getAsLong();
    Key key = new Key(group, guard.idempotencyKey());
    entries.remove(key); // an expired one: the new entry goes to the end
    entries.put(key, new Entry(receipt, now + guard.windowMillis()));
    Iterator<Entry> oldest = entries.values().iterator();
    int size = entries.size();
    while (oldest.hasNext()) {
      Entry e = oldest.next();
      if (size <= limit && e.expiresAt > now) {
        break;
      }
      oldest.remove();
      size--;
    }
  }

  /** Forgets the guard's key again: the write it was remembered for failed after all. */
  synchronized void forget(GroupKey group, Guard guard) {
    if (guard.idempotent()) {
      entries.remove(new Key(group, guard.idempotencyKey()));
    }
  }

  /** How many receipts are held. */
  synchronized int size() {
    return entries.size();
  }
}
