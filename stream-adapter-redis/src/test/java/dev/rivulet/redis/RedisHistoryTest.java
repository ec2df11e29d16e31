package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.Subscription;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-group event history kept in Redis by the write scripts, read from any instance. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // subscriptions are held open by try-with-resources
class RedisHistoryTest {
  private static final GroupKey G = new GroupKey("s", "g");
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();

  private static StorageAdapter adapter(int maxEvents, Duration maxAge) {
    return redis.adapter(builder -> builder.history(maxEvents, maxAge));
  }

  private static List<Long> seqs(Optional<List<Event>> events) {
    assertThat(events).isPresent();
    return events.get().stream().map(Event::seq).toList();
  }

  @Test
  void anotherInstanceReadsTheWritersHistoryWithEveryKind() {
    try (StorageAdapter writer = adapter(1000, Duration.ofMinutes(5));
        StorageAdapter reader = adapter(1000, Duration.ofMinutes(5))) {
      writer.set(G, "x", IntNode.valueOf(1));
      writer.set(G, "x", IntNode.valueOf(2));
      writer.send(G, null, new Notice(Event.Kind.EVENT, "ping", IntNode.valueOf(7)));
      writer.update(G, "y", old -> TextNode.valueOf("new"));
      writer.delete(G, "x");
      writer.send(G, "z", new Notice(Event.Kind.CREATE, null, IntNode.valueOf(9)));

      List<Event> events = reader.eventsSince(G, 1).orElseThrow();
      assertThat(events).extracting(Event::seq).containsExactly(2L, 3L, 4L, 5L, 6L);
      assertThat(events)
          .extracting(Event::kind)
          .containsExactly(
              Event.Kind.UPDATE,
              Event.Kind.EVENT,
              Event.Kind.CREATE,
              Event.Kind.DELETE,
              Event.Kind.CREATE);
      assertThat(events).extracting(Event::itemId).containsExactly("x", null, "y", "x", "z");
      assertThat(events.get(1).eventType()).isEqualTo("ping");
      assertThat(events)
          .extracting(Event::data)
          .containsExactly(
              IntNode.valueOf(2),
              IntNode.valueOf(7),
              TextNode.valueOf("new"),
              IntNode.valueOf(2),
              IntNode.valueOf(9));
      assertThat(seqs(reader.eventsSince(G, 0))).isEqualTo(List.of(1L, 2L, 3L, 4L, 5L, 6L));
      assertThat(reader.eventsSince(G, 6)).contains(List.of());
      assertThat(reader.eventsSince(G, 7)).as("ahead of the group").isEmpty();
      assertThat(reader.eventsSince(G, -1)).isEmpty();
      GroupKey missing = new GroupKey("s", "nothing");
      assertThat(reader.eventsSince(missing, 0)).contains(List.of());
      assertThat(reader.eventsSince(missing, 1)).isEmpty();
    }
  }

  @Test
  void sinceBeyondTheCountBoundIsEmpty() {
    try (StorageAdapter redis = adapter(3, Duration.ofMinutes(5))) {
      for (int i = 1; i <= 6; i++) {
        Change c = redis.set(G, "i" + i, IntNode.valueOf(i));
        assertThat(c.seq()).isEqualTo(i);
      }
      assertThat(seqs(redis.eventsSince(G, 3))).isEqualTo(List.of(4L, 5L, 6L));
      assertThat(redis.eventsSince(G, 2)).isEmpty();
      assertThat(redis.eventsSince(G, 0)).isEmpty();
    }
  }

  @Test
  void eventsOlderThanTheAgeBoundAreNotReplayed() {
    try (StorageAdapter redis = adapter(100, Duration.ofMillis(300))) {
      redis.set(G, "a", IntNode.valueOf(1));
      redis.set(G, "a", IntNode.valueOf(2));
      assertThat(seqs(redis.eventsSince(G, 0))).isEqualTo(List.of(1L, 2L));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.eventsSince(G, 0).isEmpty());
      assertThat(redis.eventsSince(G, 2)).contains(List.of());
    }
  }

  @Test
  void historyOffKeepsNothingAndAHoleIsNeverBridged() {
    try (StorageAdapter keeping = adapter(100, Duration.ofMinutes(5));
        StorageAdapter off = adapter(0, Duration.ofMinutes(5))) {
      keeping.set(G, "a", IntNode.valueOf(1));
      off.set(G, "a", IntNode.valueOf(2));
      keeping.set(G, "a", IntNode.valueOf(3));
      assertThat(keeping.eventsSince(G, 0)).isEmpty();
      assertThat(seqs(keeping.eventsSince(G, 2))).isEqualTo(List.of(3L));
      assertThat(off.eventsSince(G, 2)).isPresent(); // the shared history is read by anybody
    }
  }

  @Test
  void subscriberResumingOnAnotherInstanceGetsExactlyTheMissedEvents() throws Exception {
    try (StreamEngine a = redis.engine();
        StreamEngine b = redis.engine()) {
      Recorder first = new Recorder();
      long seen;
      try (Subscription sub = a.subscribe("s", "g", null, first)) {
        assertThat(first.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
        a.set("s", "g", "x", RedisFanOutTest.item("x", 1));
        a.send("s", "g", "ping", IntNode.valueOf(1), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.lastSeq == 2);
        seen = first.lastSeq;
      }
      a.set("s", "g", "y", RedisFanOutTest.item("y", 2));
      a.send("s", "g", "ping", IntNode.valueOf(2), "y");
      a.delete("s", "g", "x");
      a.invoke("stream::update", RedisFanOutTest.incrementInput("s", "g", "y"));

      Recorder resumed = new Recorder();
      try (Subscription sub = b.subscribe("s", "g", null, seen, resumed)) {
        assertThat(resumed.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.lastSeq == 6);
        a.set("s", "g", "z", RedisFanOutTest.item("z", 3)); // live events follow the replay
        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.lastSeq == 7);
        assertThat(resumed.snapshots).as("snapshots").isEmpty();
        assertThat(resumed.resumed).containsExactly(seen);
        assertThat(resumed.seqs()).isEqualTo(LongStream.rangeClosed(3, 7).boxed().toList());
        assertThat(resumed.events)
            .extracting(StreamEvent::kind)
            .containsExactly(
                StreamEvent.Kind.CREATE,
                StreamEvent.Kind.EVENT,
                StreamEvent.Kind.DELETE,
                StreamEvent.Kind.UPDATE,
                StreamEvent.Kind.CREATE);
      }
    }
  }

  @Test
  void resumingBeyondTheHistoryGetsASnapshot() throws Exception {
    try (StreamEngine a = redis.engine(builder -> builder.history(2, Duration.ofMinutes(5)));
        StreamEngine b = redis.engine(builder -> builder.history(2, Duration.ofMinutes(5)))) {
      for (int i = 0; i < 5; i++) {
        a.set("s", "g", "x", RedisFanOutTest.item("x", i));
      }
      Recorder late = new Recorder();
      try (Subscription sub = b.subscribe("s", "g", null, 1L, late)) {
        assertThat(late.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(late.resumed).isEmpty();
        assertThat(late.snapshots).containsExactly(false);
        assertThat(late.lastSeq).isEqualTo(5);
        assertThat(late.view()).containsEntry("x", RedisFanOutTest.item("x", 4));
      }
    }
  }
}
