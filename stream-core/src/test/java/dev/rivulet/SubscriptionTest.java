package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** In-process subscriptions: snapshot, then every later event in seq order (SPEC §5.1–5.2). */
class SubscriptionTest {
  private final StreamEngine engine = StreamEngine.builder().build();

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void groupSubscriberGetsSnapshotThenEveryChangeInOrder() {
    engine.set("s", "g", "a", json("1"));
    RecordingListener listener = new RecordingListener();
    try (Subscription sub = engine.subscribe("s", "g", null, listener)) {
      assertThat(sub.group().group()).isEqualTo("g");
      engine.set("s", "g", "b", json("2"));
      engine.update("s", "g", "a", List.of(UpdateOp.increment("", 10)));
      engine.send("s", "g", "note", json("'hi'"), null);
      engine.delete("s", "g", "b");
      await().atMost(Duration.ofSeconds(10)).until(() -> eventCount(listener) == 4);
      synchronized (listener) {
        Snapshot snapshot = listener.snapshots.get(0);
        assertThat(snapshot.data()).isEqualTo(json("[1]"));
        assertThat(snapshot.seq()).isEqualTo(1);
        assertThat(snapshot.toSyncJson().get("event"))
            .isEqualTo(json("{'type':'sync','data':[1]}"));
        assertThat(listener.events)
            .extracting(e -> e.kind().wireName())
            .containsExactly("create", "update", "event", "delete");
        assertThat(listener.events).extracting(StreamEvent::seq).containsExactly(2L, 3L, 4L, 5L);
        assertThat(listener.problems).isEmpty();
        assertThat(listener.state).containsExactly(java.util.Map.entry("a", json("11")));
      }
    }
  }

  @Test
  void itemSubscriberSeesOnlyItsItemButNotIdlessSends() {
    engine.set("s", "g", "mine", json("{'v':0}"));
    RecordingListener listener = new RecordingListener();
    engine.subscribe("s", "g", "mine", listener);
    engine.set("s", "g", "other", json("1"));
    engine.send("s", "g", "broadcast", json("1"), null);
    engine.send("s", "g", "direct", json("1"), "mine");
    engine.set("s", "g", "mine", json("{'v':1}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> eventCount(listener) == 2);
    synchronized (listener) {
      assertThat(listener.snapshots.get(0).data()).isEqualTo(json("{'v':0}"));
      assertThat(listener.snapshots.get(0).toSyncJson().get("id").asText()).isEqualTo("mine");
      assertThat(listener.events).extracting(StreamEvent::itemId).containsOnly("mine");
      assertThat(listener.events.get(0).eventType()).isEqualTo("direct");
      assertThat(listener.problems).isEmpty();
    }
  }

  @Test
  void itemSnapshotOfAMissingItemIsJsonNull() {
    RecordingListener listener = new RecordingListener();
    engine.subscribe("s", "g", "nothing", listener);
    await().atMost(Duration.ofSeconds(10)).until(() -> snapshotCount(listener) == 1);
    synchronized (listener) {
      assertThat(listener.snapshots.get(0).data().isNull()).isTrue();
    }
  }

  @Test
  void closedSubscriptionGetsNothingMore() throws Exception {
    RecordingListener listener = new RecordingListener();
    Subscription sub = engine.subscribe("s", "g", null, listener);
    engine.set("s", "g", "a", json("1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> eventCount(listener) == 1);
    sub.close();
    sub.close();
    engine.set("s", "g", "a", json("2"));
    RecordingListener marker = new RecordingListener();
    engine.subscribe("s", "g", null, marker);
    engine.set("s", "g", "a", json("3"));
    await().atMost(Duration.ofSeconds(10)).until(() -> eventCount(marker) == 1);
    assertThat(eventCount(listener)).isEqualTo(1);
  }

  @Test
  void aThrowingListenerIsIsolated() {
    CountDownLatch thrown = new CountDownLatch(2);
    engine.subscribe(
        "s",
        "g",
        null,
        onEvent(
            event -> {
              thrown.countDown();
              throw new IllegalStateException("listener bug");
            }));
    RecordingListener healthy = new RecordingListener();
    engine.subscribe("s", "g", null, healthy);
    engine.set("s", "g", "a", json("1"));
    engine.set("s", "g", "a", json("2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> eventCount(healthy) == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> thrown.getCount() == 0);
    assertThat(engine.snapshot("s", "g", "a").data()).isEqualTo(json("2"));
  }

  @Test
  void listenersRunOffTheWritersThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    engine.subscribe(
        "s",
        "g",
        null,
        onEvent(
            event -> {
              entered.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }));
    engine.set("s", "g", "a", json("1"));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    engine.set("s", "g", "a", json("2"));
    assertThat(engine.get("s", "g", "a")).isEqualTo(json("2"));
    release.countDown();
  }

  @Test
  void timestampsStrictlyIncreaseAndSyncIsNotNewerThanTheNextChange() {
    RecordingListener listener = new RecordingListener();
    for (int i = 0; i < 50; i++) {
      engine.set("s", "g", "a", json(String.valueOf(i)));
    }
    engine.subscribe("s", "g", null, listener);
    for (int i = 0; i < 50; i++) {
      engine.set("s", "g", "a", json(String.valueOf(i)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> eventCount(listener) == 50);
    synchronized (listener) {
      long last = listener.snapshots.get(0).timestamp();
      for (StreamEvent event : listener.events) {
        assertThat(event.timestamp()).isGreaterThan(last);
        last = event.timestamp();
      }
    }
  }

  /** A listener that ignores snapshots and hands each event to {@code events}. */
  static StreamListener onEvent(Consumer<StreamEvent> events) {
    return new StreamListener() {
      @Override
      public void onSnapshot(Snapshot snapshot, boolean resync) {}

      @Override
      public void onEvent(StreamEvent event) {
        events.accept(event);
      }
    };
  }

  static int eventCount(RecordingListener listener) {
    synchronized (listener) {
      return listener.events.size();
    }
  }

  static int snapshotCount(RecordingListener listener) {
    synchronized (listener) {
      return listener.snapshots.size();
    }
  }

  /** Records every callback in order. */
  private static final class Calls implements StreamListener {
    final java.util.List<String> calls =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @Override
    public void onEvent(StreamEvent event) {
      calls.add("event " + event.seq());
    }

    @Override
    public void onSnapshot(Snapshot snapshot, boolean resync) {
      calls.add("snapshot " + snapshot.seq());
    }

    @Override
    public void onClosed() {
      calls.add("closed");
    }
  }

  @Test
  void onClosedIsTheLastCallbackAfterCloseAndAfterEngineClose() {
    Calls closedByUser = new Calls();
    Subscription sub = engine.subscribe("s", "g", null, closedByUser);
    engine.set("s", "g", "a", json("1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByUser.calls.size() == 2);
    sub.close();
    sub.close(); // idempotent: one onClosed
    engine.set("s", "g", "a", json("2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByUser.calls.contains("closed"));

    Calls closedByEngine = new Calls();
    StreamEngine other = StreamEngine.builder().build();
    other.subscribe("s", "g", null, closedByEngine);
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByEngine.calls.size() == 1);
    other.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByEngine.calls.contains("closed"));
    engine.set("s", "g", "a", json("3"));
    engine.set("s", "g", "b", json("3"));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.snapshot("s", "g", null).seq() == 4);
    assertThat(closedByUser.calls).containsExactly("snapshot 0", "event 1", "closed");
    assertThat(closedByEngine.calls).containsExactly("snapshot 0", "closed");
  }

  @Test
  void aStoreThatCannotTakeASnapshotFailsTheSubscribeWithAStreamCode() {
    try (StreamEngine broken =
        StreamEngine.builder()
            .storage(
                new dev.rivulet.testkit.ForwardingStorageAdapter(
                    TableStore.inMemory(
                        System::currentTimeMillis, EventHistory.Limits.defaults())) {
                  @Override
                  public dev.rivulet.spi.GroupSnapshot snapshot(dev.rivulet.spi.GroupKey group) {
                    throw new IllegalStateException("disk on fire");
                  }
                })
            .build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> broken.subscribe("s", "g", null, e -> {}))
          .isInstanceOfSatisfying(
              StreamException.class,
              e -> assertThat(e.code()).isEqualTo(StreamException.STREAM_GET_GROUP_ERROR))
          .hasMessageContaining("disk on fire");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.snapshot("s", "g", null))
          .isInstanceOf(StreamException.class);
    }
  }
}
