package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Subscriptions resumed with {@code since} from the store's bounded history (SPEC §5.5). */
class ResumeTest {

  /** Records whether a subscription resumed or synced, and everything it saw. */
  private static final class Resumable extends RecordingListenerBase {
    final List<Long> resumedFrom = new ArrayList<>();

    @Override
    public synchronized void onResumed(long since) {
      resumedFrom.add(since);
      lastSeq = since;
    }
  }

  /** A minimal recording listener whose seq check also covers resumed starts. */
  private abstract static class RecordingListenerBase implements StreamListener {
    final List<StreamEvent> events = new ArrayList<>();
    final List<Snapshot> snapshots = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    long lastSeq = -1;

    @Override
    public synchronized void onSnapshot(Snapshot snapshot, boolean resync) {
      if (resync) {
        problems.add("re-synchronized at seq " + snapshot.seq());
      }
      snapshots.add(snapshot);
      lastSeq = snapshot.seq();
    }

    @Override
    public synchronized void onEvent(StreamEvent event) {
      if (event.seq() != lastSeq + 1) {
        problems.add("seq " + event.seq() + " after " + lastSeq);
      }
      lastSeq = event.seq();
      events.add(event);
    }

    synchronized long last() {
      return lastSeq;
    }
  }

  @Test
  void resumeReplaysExactlyTheMissedEventsInOrder() {
    try (StreamEngine engine = StreamEngine.builder().build()) {
      for (int i = 0; i < 10; i++) {
        engine.set("s", "g", "i" + (i % 3), json(String.valueOf(i)));
      }
      Resumable listener = new Resumable();
      engine.subscribe("s", "g", null, 4L, listener);
      engine.send("s", "g", "after", json("1"), null);
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.last() == 11);
      synchronized (listener) {
        assertThat(listener.resumedFrom).containsExactly(4L);
        assertThat(listener.snapshots).isEmpty();
        assertThat(listener.events)
            .extracting(StreamEvent::seq)
            .containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(listener.problems).isEmpty();
      }
    }
  }

  @Test
  void resumeFromTheCurrentSeqReplaysNothing() {
    try (StreamEngine engine = StreamEngine.builder().build()) {
      engine.set("s", "g", "i", json("1"));
      Resumable listener = new Resumable();
      engine.subscribe("s", "g", null, 1L, listener);
      engine.set("s", "g", "i", json("2"));
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.last() == 2);
      synchronized (listener) {
        assertThat(listener.resumedFrom).containsExactly(1L);
        assertThat(listener.events).extracting(StreamEvent::seq).containsExactly(2L);
      }
    }
  }

  @Test
  void resumeBeyondTheHistoryFallsBackToASnapshot() {
    try (StreamEngine engine =
        StreamEngine.builder()
            .storage(
                TableStore.inMemory(
                    System::currentTimeMillis, new EventHistory.Limits(5, Duration.ofMinutes(1))))
            .build()) {
      for (int i = 0; i < 20; i++) {
        engine.set("s", "g", "i", json(String.valueOf(i)));
      }
      Resumable tooOld = new Resumable();
      engine.subscribe("s", "g", null, 3L, tooOld);
      Resumable fromFuture = new Resumable();
      engine.subscribe("s", "g", null, 99L, fromFuture);
      Resumable recent = new Resumable();
      engine.subscribe("s", "g", null, 16L, recent);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> tooOld.last() == 20 && fromFuture.last() == 20 && recent.last() == 20);
      synchronized (tooOld) {
        assertThat(tooOld.resumedFrom).isEmpty();
        assertThat(tooOld.snapshots).singleElement().extracting(Snapshot::seq).isEqualTo(20L);
      }
      synchronized (fromFuture) {
        assertThat(fromFuture.snapshots).hasSize(1);
      }
      synchronized (recent) {
        assertThat(recent.resumedFrom).containsExactly(16L);
        assertThat(recent.events).extracting(StreamEvent::seq).containsExactly(17L, 18L, 19L, 20L);
      }
    }
  }

  @Test
  void historyExpiresByAge() {
    AtomicLong clock = new AtomicLong(1_000_000);
    try (StreamEngine engine =
        StreamEngine.builder()
            .storage(
                TableStore.inMemory(
                    clock::get, new EventHistory.Limits(100, Duration.ofSeconds(10))))
            .build()) {
      engine.set("s", "g", "i", json("1"));
      engine.set("s", "g", "i", json("2"));
      clock.addAndGet(60_000);
      engine.set("s", "g", "i", json("3"));
      Resumable listener = new Resumable();
      engine.subscribe("s", "g", null, 1L, listener);
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.last() == 3);
      synchronized (listener) {
        assertThat(listener.resumedFrom).isEmpty();
        assertThat(listener.snapshots).hasSize(1);
      }
    }
  }

  @Test
  void resumeWhileWritersRaceSeesEverySeqOnce() throws Exception {
    try (StreamEngine engine = StreamEngine.builder().build()) {
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; i < 3000; i++) {
                  engine.update("s", "g", "n", List.of(UpdateOp.increment("", 1)));
                }
              });
      writer.start();
      List<Resumable> listeners = new ArrayList<>();
      long since = 0;
      while (writer.isAlive() && listeners.size() < 50) {
        Resumable listener = new Resumable();
        listeners.add(listener);
        engine.subscribe("s", "g", null, since, listener);
        since = engine.snapshot("s", "g", null).seq();
      }
      writer.join();
      long finalSeq = engine.snapshot("s", "g", null).seq();
      for (Resumable listener : listeners) {
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.last() == finalSeq);
        synchronized (listener) {
          assertThat(listener.problems).isEmpty();
        }
      }
    }
  }
}
