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
   * recordedSinceJoin} false: what was written after it may not be recorded), events were dropped,
   * or an override function supplied values without ids.
   */
  Snapshot advance(Snapshot snapshot, boolean recordedSinceJoin) {
    long target = lastSent;
    if (target <= snapshot.seq()) {
      return snapshot;
    }
    if (!recordedSinceJoin || recorded == null || overflowed) {
      return null;
    }
    boolean group = snapshot.itemId() == null;
    if (group && snapshot.items().size() != snapshot.data().size()) {
      return null;
    }
    Map<String, JsonNode> items = new LinkedHashMap<>(snapshot.items());
    JsonNode value = snapshot.data(); // of an item subscription
    long timestamp = snapshot.timestamp();
    for (StreamEvent e : recorded) {
      if (e.seq() <= snapshot.seq() || e.seq() > target || e.itemId() == null) {
        continue;
      }
      if (!group && !e.itemId().equals(snapshot.itemId())) {
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
    return new Snapshot(snapshot.group(), snapshot.itemId(), data, items, target, timestamp);
  }
}
