package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one connection wrote of one group, shared by all its subscriptions of that group: the dedupe
 * high-water mark, and while a subscription joins beside others, the events written meanwhile.
 *
 * <p>Threads: {@link #lastSent} and the recorded events are touched only by listener callbacks,
 * which all run on the group's lane one after another (the engine's lane hand-over orders them);
 * {@link #users} only by the session's tasks; {@link #joining} by both (atomic).
 *
 * <p>Why record: when a subscription joins while another one of the connection already writes the
 * group, its snapshot (seq s) can be older than what the connection has been sent (seq L > s).
 * Re-sending the events in (s, L] would write them twice to the connection; skipping them would
 * leave the new subscription at the state of s. Instead the sync is advanced to L: the recorded
 * events in (s, L] (all written after the join started, so all recorded) are applied to the
 * snapshot, and the sync carries seq L. Every event is then written once, nothing in the sync is
 * delivered again, and the new subscription continues from L with no gap.
 *
 * <p>The recorded events are all of (s, L] only when a whole-group subscription was writing; when
 * only item subscriptions were, they hold just those items' changes, and advancing a group sync
 * from them would skip the other items' changes for good (the group subscription then drops those
 * events as already written). So a sync is advanced only over an unbroken run of seqs (s, L];
 * otherwise a joining group subscription waits for its own hand-over of the events in (s, L]
 * ({@link PendingSync}), and an item subscription falls back to re-sending.
 */
final class GroupCursor {
  /** Recording stops (and the join falls back to re-sending) beyond this many events. */
  static final int MAX_RECORDED = 100_000;

  long lastSent;
  int users;
  final AtomicInteger joining = new AtomicInteger();
  private List<StreamEvent> recorded;
  private boolean overflowed;

  /** Notes a written event (lane), kept while a subscription of this group is joining. */
  void written(StreamEvent event) {
    lastSent = event.seq();
    if (joining.get() > 0) {
      if (recorded == null) {
        recorded = new ArrayList<>();
      }
      if (recorded.size() < MAX_RECORDED) {
        recorded.add(event);
      } else {
        overflowed = true;
      }
    } else if (recorded != null) {
      recorded = null;
      overflowed = false;
    }
  }

  /** A joining subscription got its first callback or went away: recording may stop. */
  void joined() {
    joining.decrementAndGet(); // the list itself is dropped on the lane (next written event)
  }

  /**
   * The sync to send for {@code snapshot} (lane): the snapshot itself when the connection was sent
   * nothing after it, else the snapshot advanced to {@link #lastSent}, or null when that is not
   * possible: the snapshot is not the first of a subscription that joined beside others ({@code
   * recordedSinceJoin} false: what was written after it may not be recorded), not every event after
   * the snapshot up to {@code lastSent} was written here (only item subscriptions were writing:
   * advancing from their events alone would skip the other items' changes), events were dropped, or
   * an override function supplied values without ids.
   */
  Snapshot advance(Snapshot snapshot, boolean recordedSinceJoin) {
    long target = lastSent;
    if (target <= snapshot.seq()) {
      return snapshot;
    }
    if (!recordedSinceJoin || recorded == null || overflowed || !foldable(snapshot)) {
      return null;
    }
    List<StreamEvent> span = new ArrayList<>();
    long next = snapshot.seq() + 1;
    for (StreamEvent e : recorded) {
      if (e.seq() < next || e.seq() > target) {
        continue; // included in the snapshot, written again after a resume, or later
      }
      if (e.seq() > next) {
        return null; // an event of the span was not written here
      }
      span.add(e);
      next++;
    }
    return next == target + 1 ? fold(snapshot, span, target) : null;
  }

  /**
   * For a group subscription's first snapshot that {@link #advance} could not bring up to {@link
   * #lastSent}: a sync that takes in the events the subscription is handed next (every event after
   * the snapshot, in order) until it reaches {@code lastSent}, so that nothing is written twice and
   * nothing skipped. Null when the snapshot is not behind, is of an item, or cannot be folded.
   */
  PendingSync pendingSync(Snapshot snapshot) {
    return snapshot.itemId() == null && lastSent > snapshot.seq() && foldable(snapshot)
        ? new PendingSync(snapshot, lastSent)
        : null;
  }

  /** A group sync waiting for the events up to {@code target}; see {@link #pendingSync}. */
  static final class PendingSync {
    private final Snapshot snapshot;
    private final long target;
    private final List<StreamEvent> events = new ArrayList<>();

    private PendingSync(Snapshot snapshot, long target) {
      this.snapshot = snapshot;
      this.target = target;
    }

    /** Takes in the next event; returns the sync once it reached the target, else null. */
    Snapshot add(StreamEvent event) {
      if (event.seq() > snapshot.seq()) {
        events.add(event);
      }
      return event.seq() >= target ? fold(snapshot, events, event.seq()) : null;
    }
  }

  /** Whether events can be applied to {@code snapshot}: a group's values must have their ids. */
  private static boolean foldable(Snapshot snapshot) {
    return snapshot.itemId() != null || snapshot.items().size() == snapshot.data().size();
  }

  /**
   * {@code snapshot} with {@code events} (its changes after it, in order) applied, at {@code seq}.
   */
  private static Snapshot fold(Snapshot snapshot, List<StreamEvent> events, long seq) {
    boolean group = snapshot.itemId() == null;
    Map<String, JsonNode> items = new LinkedHashMap<>(snapshot.items());
    JsonNode value = snapshot.data(); // of an item subscription
    long timestamp = snapshot.timestamp();
    for (StreamEvent e : events) {
      if (e.itemId() == null || (!group && !e.itemId().equals(snapshot.itemId()))) {
        continue;
      }
      switch (e.kind()) {
        case CREATE, UPDATE -> {
          items.put(e.itemId(), e.data());
          value = e.data();
        }
        case DELETE -> {
          items.remove(e.itemId());
          value = NullNode.getInstance();
        }
        case EVENT -> {}
      }
      timestamp = Math.max(timestamp, e.timestamp());
    }
    JsonNode data = value;
    if (group) {
      ArrayNode values = JsonNodeFactory.instance.arrayNode();
      items.values().forEach(values::add);
      data = values;
    }
    return new Snapshot(snapshot.group(), snapshot.itemId(), data, items, seq, timestamp);
  }
}
