package dev.rivulet.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Records what a group subscriber sees and keeps its view of the group (item id → value) the way a
 * client would: replaced by every snapshot, changed by every event.
 */
final class Recorder implements StreamListener {
  final List<StreamEvent> events = new ArrayList<>();
  final List<Boolean> snapshots = new ArrayList<>();
  final List<Long> resumed = new ArrayList<>();
  final Map<String, JsonNode> view = new LinkedHashMap<>();
  final CountDownLatch firstSnapshot = new CountDownLatch(1);
  volatile long lastSeq;
  volatile CountDownLatch gate;

  @Override
  public synchronized void onSnapshot(Snapshot snapshot, boolean resync) {
    snapshots.add(resync);
    view.clear();
    view.putAll(snapshot.items());
    lastSeq = snapshot.seq();
    firstSnapshot.countDown();
  }

  @Override
  public synchronized void onResumed(long since) {
    resumed.add(since);
    lastSeq = since;
    firstSnapshot.countDown();
  }

  @Override
  public void onEvent(StreamEvent event) {
    CountDownLatch wait = gate;
    if (wait != null) {
      try {
        wait.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      events.add(event);
      switch (event.kind()) {
        case CREATE, UPDATE -> view.put(event.itemId(), event.data());
        case DELETE -> view.remove(event.itemId());
        case EVENT -> {}
      }
      lastSeq = event.seq();
    }
  }

  synchronized Map<String, JsonNode> view() {
    return new LinkedHashMap<>(view);
  }

  synchronized List<Long> seqs() {
    List<Long> result = new ArrayList<>();
    events.forEach(e -> result.add(e.seq()));
    return result;
  }

  synchronized boolean resynced() {
    return snapshots.contains(true);
  }

  /** Brought back after a loss: by a fresh snapshot or by a replay from the history. */
  synchronized boolean recovered() {
    return resynced() || !resumed.isEmpty();
  }
}
