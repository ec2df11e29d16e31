package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subscriber that keeps the group's state the way a client would (snapshot + changes) and checks
 * the stream it sees: seq strictly increasing by one, no duplicates.
 */
final class RecordingListener implements StreamListener {
  final List<StreamEvent> events = new ArrayList<>();
  final List<Snapshot> snapshots = new ArrayList<>();
  final Map<String, JsonNode> state = new LinkedHashMap<>();
  final List<String> problems = new ArrayList<>();
  private long lastSeq = -1;
  private boolean itemOnly;

  @Override
  public synchronized void onSnapshot(Snapshot snapshot, boolean resync) {
    if (resync) {
      problems.add("re-synchronized at seq " + snapshot.seq() + ": events were lost or repeated");
    }
    snapshots.add(snapshot);
    lastSeq = snapshot.seq();
    itemOnly = snapshot.itemId() != null;
    state.clear();
    state.putAll(snapshot.items());
  }

  @Override
  public synchronized void onEvent(StreamEvent event) {
    boolean inOrder = itemOnly ? event.seq() > lastSeq : event.seq() == lastSeq + 1;
    if (!inOrder) {
      problems.add("seq " + event.seq() + " after " + lastSeq);
    }
    lastSeq = event.seq();
    events.add(event);
    switch (event.kind()) {
      case CREATE, UPDATE -> state.put(event.itemId(), event.data());
      case DELETE -> state.remove(event.itemId());
      case EVENT -> {}
    }
  }

  synchronized long lastSeq() {
    return lastSeq;
  }
}
