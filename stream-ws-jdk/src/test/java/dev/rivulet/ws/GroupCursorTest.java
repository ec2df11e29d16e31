package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEvent;
import dev.rivulet.spi.GroupKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Advancing a joining subscription's sync over the events its connection was already sent. */
class GroupCursorTest {
  static final GroupKey G = new GroupKey("s", "g");

  static StreamEvent event(String item, StreamEvent.Kind kind, int value, long seq) {
    return StreamEvent.change(G, item, kind, IntNode.valueOf(value), seq, 1000 + seq);
  }

  static Snapshot groupSnapshot(Map<String, JsonNode> items, long seq) {
    return new Snapshot(G, null, JdkClient.MAPPER.valueToTree(items.values()), items, seq, 1000);
  }

  /** A cursor whose connection was sent {@code events} while one subscription was joining. */
  static GroupCursor joiningCursor(List<StreamEvent> events) {
    GroupCursor cursor = new GroupCursor();
    cursor.joining.incrementAndGet();
    events.forEach(cursor::written);
    return cursor;
  }

  @Test
  void snapshotNotBehindTheConnectionIsSentAsItIs() {
    GroupCursor cursor = joiningCursor(List.of(event("a", StreamEvent.Kind.CREATE, 1, 3)));
    Snapshot snapshot = groupSnapshot(new LinkedHashMap<>(Map.of("a", IntNode.valueOf(1))), 3);
    assertThat(cursor.advance(snapshot, true)).isSameAs(snapshot);
  }

  @Test
  void groupSyncIsAdvancedToTheLastWrittenSeqWithCreatesUpdatesAndDeletesApplied() {
    Map<String, JsonNode> items = new LinkedHashMap<>();
    items.put("a", IntNode.valueOf(1));
    items.put("b", IntNode.valueOf(2));
    GroupCursor cursor =
        joiningCursor(
            List.of(
                event("a", StreamEvent.Kind.UPDATE, 9, 4), // included in the snapshot: skipped
                event("a", StreamEvent.Kind.UPDATE, 10, 6),
                event("b", StreamEvent.Kind.DELETE, 2, 7),
                StreamEvent.custom(G, "a", "ping", IntNode.valueOf(0), 8, 1008),
                event("c", StreamEvent.Kind.CREATE, 3, 9)));
    Snapshot synced = cursor.advance(groupSnapshot(items, 5), true);
    assertThat(synced.seq()).isEqualTo(9);
    assertThat(synced.items())
        .containsExactly(Map.entry("a", IntNode.valueOf(10)), Map.entry("c", IntNode.valueOf(3)));
    assertThat(synced.data().toString()).isEqualTo("[10,3]");
    assertThat(synced.timestamp()).isEqualTo(1009);
  }

  @Test
  void itemSyncTakesOnlyItsItemsEventsAndBecomesNullAfterADelete() {
    GroupCursor cursor =
        joiningCursor(
            List.of(
                event("a", StreamEvent.Kind.UPDATE, 10, 6),
                event("b", StreamEvent.Kind.UPDATE, 5, 7)));
    Snapshot item = new Snapshot(G, "a", IntNode.valueOf(1), Map.of("a", IntNode.valueOf(1)), 5, 1);
    assertThat(cursor.advance(item, true).data()).isEqualTo(IntNode.valueOf(10));
    assertThat(cursor.advance(item, true).seq()).isEqualTo(7);
    cursor.written(event("a", StreamEvent.Kind.DELETE, 10, 8));
    Snapshot deleted = cursor.advance(item, true);
    assertThat(deleted.data()).isEqualTo(NullNode.getInstance());
    assertThat(deleted.items()).isEmpty();
    assertThat(deleted.seq()).isEqualTo(8);
  }

  @Test
  void cannotAdvanceWithoutRecordsOrWithoutIdsOrOutsideAJoin() {
    Snapshot item = new Snapshot(G, "a", IntNode.valueOf(1), Map.of("a", IntNode.valueOf(1)), 5, 1);
    GroupCursor notRecording = new GroupCursor();
    notRecording.written(event("a", StreamEvent.Kind.UPDATE, 10, 6));
    assertThat(notRecording.advance(item, true)).isNull();

    GroupCursor cursor = joiningCursor(List.of(event("a", StreamEvent.Kind.UPDATE, 10, 6)));
    assertThat(cursor.advance(item, false)).as("a later re-sync").isNull();
    Snapshot overrideValues =
        new Snapshot(G, null, JdkClient.MAPPER.createArrayNode().add(1), Map.of(), 5, 1);
    assertThat(cursor.advance(overrideValues, true)).isNull();
  }

  @Test
  void recordingStopsOnceNoSubscriptionIsJoining() {
    GroupCursor cursor = joiningCursor(List.of(event("a", StreamEvent.Kind.UPDATE, 10, 6)));
    cursor.joined();
    cursor.written(event("a", StreamEvent.Kind.UPDATE, 11, 7));
    Snapshot item = new Snapshot(G, "a", IntNode.valueOf(1), Map.of("a", IntNode.valueOf(1)), 5, 1);
    assertThat(cursor.advance(item, true)).isNull();
    assertThat(cursor.lastSent).isEqualTo(7);
  }

  @Test
  void groupSyncIsNotAdvancedOverEventsThatOnlyAnItemSubscriptionWrote() {
    // an item subscription of "a" wrote a@6 and a@8; b@7 reached no subscription of the connection
    GroupCursor cursor =
        joiningCursor(
            List.of(
                event("a", StreamEvent.Kind.UPDATE, 6, 6),
                event("a", StreamEvent.Kind.UPDATE, 8, 8)));
    Map<String, JsonNode> items = new LinkedHashMap<>();
    items.put("a", IntNode.valueOf(1));
    items.put("b", IntNode.valueOf(2));
    Snapshot snapshot = groupSnapshot(items, 5);
    assertThat(cursor.advance(snapshot, true)).as("would lose b@7").isNull();

    // instead the group sync takes in its own hand-over of every event up to what was written
    GroupCursor.PendingSync pending = cursor.pendingSync(snapshot);
    assertThat(pending.add(event("a", StreamEvent.Kind.UPDATE, 6, 6))).isNull();
    assertThat(pending.add(event("b", StreamEvent.Kind.UPDATE, 7, 7))).isNull();
    Snapshot sync = pending.add(event("a", StreamEvent.Kind.UPDATE, 8, 8));
    assertThat(sync.seq()).isEqualTo(8);
    assertThat(sync.items())
        .containsExactly(Map.entry("a", IntNode.valueOf(8)), Map.entry("b", IntNode.valueOf(7)));
    assertThat(sync.data().toString()).isEqualTo("[8,7]");
  }

  @Test
  void itemSyncIsNotAdvancedOverAnotherItemsEvents() {
    GroupCursor cursor =
        joiningCursor(
            List.of(
                event("a", StreamEvent.Kind.UPDATE, 6, 6),
                event("a", StreamEvent.Kind.UPDATE, 8, 8)));
    Snapshot b = new Snapshot(G, "b", IntNode.valueOf(1), Map.of("b", IntNode.valueOf(1)), 5, 1);
    assertThat(cursor.advance(b, true)).as("b@7 may be among the unwritten").isNull();
    assertThat(cursor.pendingSync(b)).as("items fall back to re-sending").isNull();
  }

  @Test
  void noPendingSyncWhenTheSnapshotIsNotBehind() {
    GroupCursor cursor = joiningCursor(List.of(event("a", StreamEvent.Kind.UPDATE, 6, 6)));
    assertThat(cursor.pendingSync(groupSnapshot(new LinkedHashMap<>(), 6))).isNull();
  }
}
