package dev.rivulet.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.Notice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A group's writes that are in the journal but not yet applied, in seq order, and the latest value
 * of each item they write (what the next write of the group reads). Created the first time a write
 * of the group has to wait for its journal; guarded by the group's monitor.
 */
final class PendingWrites {
  /** One write waiting for its journal record and its turn. */
  static final class Write {
    final TableStore.Op op;
    final Change change;
    final Notice notice;
    final TableStore.Durability receipt; // null: nothing to wait for, only its turn
    final Guard guard; // its idempotency key is forgotten again when the write fails

    /**
     * Set under the group's monitor: still pending, applied, or failed with this message; volatile
     * so that a writer whose write another one applied goes on without the monitor.
     */
    volatile boolean applied;

    volatile String failure;

    Write(
        TableStore.Op op,
        Change change,
        Notice notice,
        TableStore.Durability receipt,
        Guard guard) {
      this.op = op;
      this.guard = guard;
      this.change = change;
      this.notice = notice;
      this.receipt = receipt;
    }

    boolean pending() {
      return !applied && failure == null;
    }

    /** Whether its record's outcome is known (never blocks). */
    boolean ready() {
      return receipt == null || receipt.done();
    }
  }

  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  private final Map<String, Write> latest = new HashMap<>(); // item -> its last pending write

  /** Threads waiting on the group's monitor for their write's turn. */
  int waiting;

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Whether {@code item} has a pending set or delete; its value after them is then {@link #value}.
   */
  boolean writes(String item) {
    return latest.containsKey(item);
  }

  /** The value the item's last pending write gives it ({@code null}: deleted). */
  JsonNode value(String item) {
    return latest.get(item).change.newValue();
  }

  /** The version the item's last pending write gives it (its seq; 0: deleted). */
  long version(String item) {
    Change change = latest.get(item).change;
    return change.newValue() == null ? 0 : change.seq();
  }

  void add(Write w) {
    queue.add(w);
    if (w.op != TableStore.Op.SEND) {
      latest.put(w.change.item(), w);
    }
  }

  /** The oldest pending write, or null. */
  Write head() {
    return queue.peek();
  }

  /** Removes the head, about to be applied. */
  Write poll() {
    Write w = queue.poll();
    if (w.op != TableStore.Op.SEND) {
      latest.remove(w.change.item(), w);
    }
    return w;
  }

  /** Removes every pending write (the head's record failed), oldest first. */
  List<Write> clear() {
    List<Write> all = new ArrayList<>(queue);
    queue.clear();
    latest.clear();
    return all;
  }
}
