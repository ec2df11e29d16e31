package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.testkit.ForwardingStorageAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a transport reports lost events, subscribers are brought back to the stored state. */
class ResyncTest {

  /**
   * The in-memory store whose snapshots fail while {@code failures} is positive, whose transport
   * drops the next {@code drop} events, whose subscriber deliveries drop the next {@code drop}
   * events, and which keeps history only when asked.
   */
  private static final class FlakyStore extends ForwardingStorageAdapter {
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger drop = new AtomicInteger();
    volatile boolean keepHistory;
    volatile EventSink sink;

    FlakyStore() {
      super(TableStore.inMemory(System::currentTimeMillis, EventHistory.Limits.defaults()));
    }

    /** Hands the engine's sink to the store wrapped: subscriber deliveries may be dropped. */
    @Override
    public void start(EventSink s) {
      sink = s;
      delegate.start(
          new EventSink() {
            @Override
            public void committed(Event event) {
              s.committed(event);
            }

            @Override
            public void event(Event event) {
              if (drop.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                s.event(event);
              }
            }

            @Override
            public void lost(GroupKey group) {
              s.lost(group);
            }
          });
    }

    @Override
    public GroupSnapshot snapshot(GroupKey group) {
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("store unreachable");
      }
      return delegate.snapshot(group);
    }

    @Override
    public Optional<List<Event>> eventsSince(GroupKey group, long since) {
      return keepHistory ? delegate.eventsSince(group, since) : Optional.empty();
    }
  }

  @Test
  void lostEventsLeadToAResyncThatIsRetriedUntilTheStoreAnswers() {
    FlakyStore store = new FlakyStore();
    try (StreamEngine engine = StreamEngine.builder().storage(store).build()) {
      List<Boolean> resyncs = new CopyOnWriteArrayList<>();
      List<JsonNode> data = new CopyOnWriteArrayList<>();
      engine.subscribe(
          "s",
          "g",
          null,
          new StreamListener() {
            @Override
            public void onSnapshot(Snapshot snapshot, boolean resync) {
              resyncs.add(resync);
              data.add(snapshot.data());
            }

            @Override
            public void onEvent(StreamEvent event) {}
          });
      engine.set("s", "g", "a", json("1"));
      store.failures.set(3);
      store.sink.lost(new GroupKey("s", "g"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> store.failures.get() == 0 && resyncs.size() == 2);
      assertThat(resyncs).containsExactly(false, true);
      assertThat(data.get(1)).isEqualTo(json("[1]"));
    }
  }

  @Test
  void eventsATransportDroppedAreReplayedFromHistoryWithoutASnapshot() {
    FlakyStore store = new FlakyStore();
    store.keepHistory = true;
    try (StreamEngine engine = StreamEngine.builder().storage(store).build()) {
      List<String> calls = new CopyOnWriteArrayList<>();
      engine.subscribe(
          "s",
          "g",
          null,
          new StreamListener() {
            @Override
            public void onSnapshot(Snapshot snapshot, boolean resync) {
              calls.add("snapshot@" + snapshot.seq() + (resync ? " resync" : ""));
            }

            @Override
            public void onResumed(long since) {
              calls.add("resumed@" + since);
            }

            @Override
            public void onEvent(StreamEvent event) {
              calls.add("event " + event.seq());
            }
          });
      engine.set("s", "g", "a", json("1"));
      store.drop.set(2); // the transport loses seq 2 and 3
      engine.set("s", "g", "a", json("2"));
      engine.set("s", "g", "b", json("3"));
      engine.set("s", "g", "a", json("4"));
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 6);
      assertThat(calls)
          .containsExactly("snapshot@0", "event 1", "resumed@1", "event 2", "event 3", "event 4");
    }
  }
}
