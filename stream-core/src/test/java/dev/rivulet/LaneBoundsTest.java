package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.ForwardingStorageAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Engine lanes are bounded (SPEC §9): slow subscribers re-synchronize, slow triggers drop. */
class LaneBoundsTest {
  private static final int LIMIT = 8;
  private static final int WRITES = 3 * LIMIT;
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Records callbacks as "snapshot seq resync" / "event seq"; the first event can block. */
  private static final class BlockingListener implements StreamListener {
    final List<String> calls = new ArrayList<>();
    final List<Snapshot> snapshots = new ArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean blockOnce;

    BlockingListener(boolean block) {
      this.blockOnce = new AtomicBoolean(block);
    }

    @Override
    public void onSnapshot(Snapshot snapshot, boolean resync) {
      synchronized (this) {
        calls.add("snapshot " + snapshot.seq() + " " + resync);
        snapshots.add(snapshot);
      }
    }

    @Override
    public void onEvent(StreamEvent event) {
      synchronized (this) {
        calls.add("event " + event.seq());
      }
      if (blockOnce.compareAndSet(true, false)) {
        entered.countDown();
        awaitLatch(release);
      }
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }

    synchronized Snapshot lastSnapshot() {
      return snapshots.get(snapshots.size() - 1);
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void write(StreamEngine engine, int from, int to) {
    for (int i = from; i <= to; i++) {
      engine.set("s", "g", "i" + (i % 5), IntNode.valueOf(i));
    }
  }

  @Test
  void subscriberThatFallsBehindItsBoundIsResynchronizedWithASnapshotThenGoesOnLive() {
    try (StreamEngine engine = StreamEngine.builder().subscriberQueueLimit(LIMIT).build()) {
      BlockingListener listener = new BlockingListener(true);
      try (Subscription sub = engine.subscribe("s", "g", null, listener)) {
        assertThat(sub.group().group()).isEqualTo("g");
        write(engine, 1, 1);
        awaitLatch(listener.entered); // blocked in onEvent(1)
        write(engine, 2, 1 + WRITES); // far more than the bound, all while it is blocked
        listener.release.countDown();
        await()
            .atMost(WAIT)
            .until(() -> listener.calls().contains("snapshot " + (1 + WRITES) + " true"));
        assertThat(listener.lastSnapshot().data())
            .isEqualTo(engine.snapshot("s", "g", null).data());
        write(engine, 2 + WRITES, 4 + WRITES);
        await().atMost(WAIT).until(() -> listener.calls().size() == 6);
        // nothing of the dropped backlog is delivered: snapshot, live events, no gap, no duplicate
        assertThat(listener.calls())
            .containsExactly(
                "snapshot 0 false",
                "event 1",
                "snapshot " + (1 + WRITES) + " true",
                "event " + (2 + WRITES),
                "event " + (3 + WRITES),
                "event " + (4 + WRITES));
        assertThat(engine.stats().resyncs()).isPositive();
      }
    }
  }

  @Test
  void subscriptionWhoseStartBufferOverflowsStartsFromAFreshSnapshot() throws Exception {
    CountDownLatch snapshotting = new CountDownLatch(1);
    CountDownLatch releaseSnapshot = new CountDownLatch(1);
    AtomicBoolean blockOnce = new AtomicBoolean(true);
    StorageAdapter store =
        new ForwardingStorageAdapter(
            TableStore.inMemory(System::currentTimeMillis, EventHistory.Limits.defaults())) {
          @Override
          public GroupSnapshot snapshot(GroupKey group) {
            GroupSnapshot snapshot = super.snapshot(group);
            if (blockOnce.compareAndSet(true, false)) {
              snapshotting.countDown();
              awaitLatch(releaseSnapshot);
            }
            return snapshot;
          }
        };
    // tasks run only when pumped: the lane drains after each write and never fills up
    ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    Runnable pump =
        () -> {
          for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
          }
        };
    try (StreamEngine engine =
        StreamEngine.builder()
            .storage(store)
            .executor(tasks::add)
            .subscriberQueueLimit(LIMIT)
            .build()) {
      write(engine, 1, 1);
      BlockingListener listener = new BlockingListener(false);
      CompletableFuture<Subscription> subscribing =
          CompletableFuture.supplyAsync(() -> engine.subscribe("s", "g", null, listener));
      awaitLatch(snapshotting); // registered and buffering; its snapshot (seq 1) is held back
      for (int i = 2; i <= 1 + WRITES; i++) {
        write(engine, i, i);
        pump.run(); // into the start buffer
      }
      releaseSnapshot.countDown();
      try (Subscription sub = subscribing.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        assertThat(sub.group().group()).isEqualTo("g");
        pump.run(); // the hand-over: the buffer overflowed, so a fresh snapshot instead
        assertThat(listener.calls()).containsExactly("snapshot " + (1 + WRITES) + " false");
        assertThat(listener.lastSnapshot().data())
            .isEqualTo(engine.snapshot("s", "g", null).data());
        write(engine, 2 + WRITES, 2 + WRITES);
        pump.run();
        assertThat(listener.calls()).endsWith("event " + (2 + WRITES)).hasSize(2);
      }
    }
  }

  @Test
  void triggerLaneThatOverflowsDropsTheOldestInvocationsAndCountsThem() {
    try (StreamEngine engine = StreamEngine.builder().triggerQueueLimit(LIMIT).build()) {
      List<Long> seen = new ArrayList<>();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      engine
          .triggers()
          .register(
              Trigger.toHandler(
                  "t",
                  TriggerType.STREAM,
                  json("{'stream_name':'s'}"),
                  payload -> {
                    synchronized (seen) {
                      seen.add(payload.get("seq").asLong());
                    }
                    if (entered.getCount() > 0) {
                      entered.countDown();
                      awaitLatch(release);
                    }
                    return null;
                  }));
      write(engine, 1, 1);
      awaitLatch(entered); // the handler is blocked on seq 1
      write(engine, 2, 1 + WRITES); // every write returns while it stays blocked
      assertThat(engine.triggers().droppedInvocations()).isEqualTo(WRITES - LIMIT);
      assertThat(engine.stats().droppedInvocations()).isEqualTo(WRITES - LIMIT);
      release.countDown();
      await().atMost(WAIT).until(() -> size(seen) == 1 + LIMIT);
      List<Long> expected = new ArrayList<>(List.of(1L));
      LongStream.rangeClosed(2 + WRITES - LIMIT, 1 + WRITES).forEach(expected::add);
      synchronized (seen) {
        assertThat(seen).containsExactlyElementsOf(expected); // the newest, in seq order
      }
      assertThat(engine.triggers().droppedInvocations()).isEqualTo(WRITES - LIMIT);
    }
  }

  @Test
  void triggerInvocationsWaitingAcrossAllGroupsAreBoundedToo() {
    ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>(); // never runs by itself
    try (StreamEngine engine =
        StreamEngine.builder().executor(tasks::add).triggerQueueLimit(1).build()) {
      List<String> groups = new ArrayList<>();
      engine
          .triggers()
          .register(
              Trigger.toHandler(
                  "t",
                  TriggerType.STREAM,
                  json("{'stream_name':'s'}"),
                  payload -> {
                    groups.add(payload.get("groupId").asText());
                    return null;
                  }));
      int total = 100; // KeyedSerialExecutor.TOTAL_LANES lanes of one
      for (int g = 0; g < total + 30; g++) {
        engine.set("s", "g" + g, "i", IntNode.valueOf(g));
      }
      assertThat(tasks).hasSize(total); // one runnable per lane with work, no more
      assertThat(engine.triggers().droppedInvocations()).isEqualTo(30);
      for (Runnable task; (task = tasks.poll()) != null; ) {
        task.run();
      }
      assertThat(groups).hasSize(total).startsWith("g0").endsWith("g" + (total - 1));
      engine.set("s", "g0", "i", IntNode.valueOf(-1)); // room again
      tasks.poll().run();
      assertThat(groups).hasSize(total + 1).endsWith("g0");
    }
  }

  @Test
  void laneLimitsAreCheckedAtOnce() {
    assertThatThrownBy(() -> StreamEngine.builder().subscriberQueueLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("subscriberQueueLimit must be at least 1, got 0");
    assertThatThrownBy(() -> StreamEngine.builder().triggerQueueLimit(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("triggerQueueLimit must be at least 1, got -5");
  }

  private static int size(List<Long> list) {
    synchronized (list) {
      return list.size();
    }
  }
}
