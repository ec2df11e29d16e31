package dev.rivulet.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.UpdateOp;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link StorageAdapter} must show. Subclass it in an adapter's tests and
 * implement {@link #createAdapter()} (a fresh, empty store per test); everything else is inherited,
 * the keyed-state cases of {@link KeyedStateContract} included.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StorageAdapterContract extends KeyedStateContract {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What {@link #adapter} reported since the test began. */
  protected final RecordingSink sink = new RecordingSink();

  /** What the kit's sends announce. */
  protected static final Notice PING = new Notice(Event.Kind.EVENT, "ping", IntNode.valueOf(1));

  protected StorageAdapter adapter;

  /** A new, empty adapter; closed by the kit after each test. */
  protected abstract StorageAdapter createAdapter() throws Exception;

  @Override
  protected final StorageAdapter adapter() {
    return adapter;
  }

  @Override
  protected final RecordingSink sink() {
    return sink;
  }

  @BeforeEach
  void openAdapter() throws Exception {
    adapter = createAdapter();
    adapter.start(sink);
  }

  @AfterEach
  void closeAdapter() {
    if (adapter != null) {
      adapter.close();
    }
  }

  protected static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  protected static GroupKey group(String stream, String group) {
    return new GroupKey(stream, group);
  }

  @Test
  void getOfMissingItemIsNull() {
    assertThat(adapter.get(group("s", "g"), "nope")).isNull();
  }

  @Test
  void setReturnsOldAndNewValueAndGetReadsIt() {
    GroupKey g = group("s", "g");
    Change first = adapter.set(g, "i", json("{\"a\":1}"));
    assertThat(first.oldValue()).isNull();
    assertThat(first.newValue()).isEqualTo(json("{\"a\":1}"));
    Change second = adapter.set(g, "i", json("{\"a\":2}"));
    assertThat(second.oldValue()).isEqualTo(json("{\"a\":1}"));
    assertThat(adapter.get(g, "i")).isEqualTo(json("{\"a\":2}"));
  }

  @Test
  void seqGrowsByOneWithEveryCommittedChangeOfTheGroup() {
    GroupKey g = group("s", "g");
    long s1 = adapter.set(g, "a", IntNode.valueOf(1)).seq();
    long s2 = adapter.update(g, "a", v -> IntNode.valueOf(2)).seq();
    long s3 = adapter.send(g, null, PING).seq();
    long s4 = adapter.delete(g, "a").seq();
    assertThat(List.of(s2, s3, s4)).containsExactly(s1 + 1, s1 + 2, s1 + 3);
    assertThat(s1).isPositive();
    assertThat(adapter.snapshot(g).seq()).isEqualTo(s4);
  }

  @Test
  void timestampsStrictlyIncreaseWithinAGroup() {
    GroupKey g = group("s", "g");
    long last = 0;
    for (int i = 0; i < 200; i++) {
      long ts = adapter.set(g, "i", IntNode.valueOf(i)).timestamp();
      assertThat(ts).isGreaterThan(last);
      last = ts;
    }
  }

  @Test
  void deleteOfMissingItemCommitsNothingAndTellsNobody() {
    GroupKey g = group("s", "g");
    adapter.set(g, "other", IntNode.valueOf(1));
    long before = adapter.snapshot(g).seq();
    int reports = sink.committed.size();
    Change change = adapter.delete(g, "missing");
    assertThat(change.committed()).isFalse();
    assertThat(change.oldValue()).isNull();
    assertThat(adapter.snapshot(g).seq()).isEqualTo(before);
    assertThat(adapter.delete(group("none", "none"), "x").committed()).isFalse();
    assertThat(sink.committed).hasSize(reports);
  }

  @Test
  void deleteReturnsTheRemovedValueAndReportsIt() {
    GroupKey g = group("s", "g");
    adapter.set(g, "i", json("{\"x\":[1]}"));
    Change change = adapter.delete(g, "i");
    assertThat(change.oldValue()).isEqualTo(json("{\"x\":[1]}"));
    assertThat(change.newValue()).isNull();
    Event reported = sink.committed.get(sink.committed.size() - 1);
    assertThat(reported.kind()).isEqualTo(Event.Kind.DELETE);
    assertThat(reported.data()).isEqualTo(json("{\"x\":[1]}"));
    assertThat(reported.seq()).isEqualTo(change.seq());
    assertThat(adapter.get(g, "i")).isNull();
  }

  @Test
  void everyCommitIsReportedOnceWithItsEventBeforeTheCallReturns() {
    GroupKey g = group("s", "g");
    Change set = adapter.set(g, "i", IntNode.valueOf(1));
    assertThat(sink.committedSeqs()).containsExactly(set.seq());
    Change update = adapter.update(g, "i", v -> IntNode.valueOf(v.intValue() + 1));
    assertThat(sink.committedSeqs()).containsExactly(set.seq(), update.seq());
    Change send = adapter.send(g, "i", PING);
    assertThat(sink.committedSeqs()).containsExactly(set.seq(), update.seq(), send.seq());
    assertThat(sink.committed)
        .extracting(Event::kind)
        .containsExactly(Event.Kind.CREATE, Event.Kind.UPDATE, Event.Kind.EVENT);
    assertThat(sink.committed.get(1).data()).isEqualTo(IntNode.valueOf(2));
    assertThat(sink.committed.get(2).eventType()).isEqualTo("ping");
    assertThat(sink.committed.get(2).itemId()).isEqualTo("i");
    assertThat(sink.committed).allSatisfy(e -> assertThat(e.group()).isEqualTo(g));
    assertThat(update.oldValue()).isEqualTo(IntNode.valueOf(1));
    assertThat(update.newValue()).isEqualTo(IntNode.valueOf(2));
    assertThat(send.item()).isEqualTo("i");
    assertThat(adapter.get(g, "i")).isEqualTo(IntNode.valueOf(2));
  }

  @Test
  void updateOfMissingItemSeesNullAndCreatesIt() {
    GroupKey g = group("s", "g");
    List<JsonNode> seenCurrent = Collections.synchronizedList(new ArrayList<>());
    Change change =
        adapter.update(
            g,
            "i",
            current -> {
              seenCurrent.add(current == null ? null : current);
              return json("{}");
            });
    assertThat(seenCurrent).last().isNull();
    assertThat(change.oldValue()).isNull();
    assertThat(adapter.get(g, "i")).isEqualTo(json("{}"));
  }

  @Test
  void storedJsonNullIsAValueNotAMissingItem() {
    GroupKey g = group("s", "g");
    adapter.set(g, "i", NullNode.getInstance());
    assertThat(adapter.get(g, "i")).isEqualTo(NullNode.getInstance());
    Change update = adapter.update(g, "i", current -> IntNode.valueOf(1));
    assertThat(update.oldValue()).isEqualTo(NullNode.getInstance());
    assertThat(adapter.list(g)).containsExactly(IntNode.valueOf(1));
  }

  @Test
  void valuesKeepExactNumbersEmptyContainersAndKeyOrder() {
    GroupKey g = group("s", "g");
    String text =
        "{\"z\":1,\"a\":[],\"m\":{},\"big\":123456789012345678901234567890,"
            + "\"u64\":18446744073709551615,\"f\":1.5,\"neg\":-9223372036854775808}";
    adapter.set(g, "i", json(text));
    JsonNode back = adapter.get(g, "i");
    assertThat(back).isEqualTo(json(text));
    assertThat(back.get("big").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    List<String> keys = new ArrayList<>();
    back.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("z", "a", "m", "big", "u64", "f", "neg");
    assertThat(back.get("a").isArray()).isTrue();
    assertThat(back.get("m").isObject()).isTrue();
  }

  @Test
  void listKeepsCreationOrderUpdateKeepsPositionRecreateMovesToEnd() {
    GroupKey g = group("s", "g");
    for (String id : List.of("c", "a", "b", "d")) {
      adapter.set(g, id, json("\"" + id + "\""));
    }
    adapter.set(g, "a", json("\"a2\""));
    adapter.update(g, "b", v -> json("\"b2\""));
    adapter.delete(g, "c");
    adapter.set(g, "c", json("\"c2\""));
    assertThat(adapter.list(g))
        .containsExactly(json("\"a2\""), json("\"b2\""), json("\"d\""), json("\"c2\""));
    assertThat(adapter.snapshot(g).items())
        .extracting(GroupSnapshot.Item::id)
        .containsExactly("a", "b", "d", "c");
  }

  @Test
  void listOfMissingGroupIsEmpty() {
    assertThat(adapter.list(group("s", "none"))).isEmpty();
    assertThat(adapter.listGroups("none")).isEmpty();
  }

  @Test
  void namesWithSeparatorsNeverCollide() {
    List<String[]> triples =
        List.of(
            new String[] {"a:b", "c", "d"},
            new String[] {"a", "b:c", "d"},
            new String[] {"a", "b", "c:d"},
            new String[] {"a:b:c", "d", "e"},
            new String[] {"{x}", "*", "%2F"},
            new String[] {"{x", "}*", "/"},
            new String[] {"sp ace", "ü\u00e9", "\ud83d\ude00"},
            new String[] {"a", "b", "c"});
    for (int i = 0; i < triples.size(); i++) {
      String[] t = triples.get(i);
      adapter.set(group(t[0], t[1]), t[2], IntNode.valueOf(i));
    }
    for (int i = 0; i < triples.size(); i++) {
      String[] t = triples.get(i);
      assertThat(adapter.get(group(t[0], t[1]), t[2]))
          .as(String.join("|", t))
          .isEqualTo(IntNode.valueOf(i));
    }
    assertThat(adapter.list(group("a", "b")))
        .containsExactly(IntNode.valueOf(2), IntNode.valueOf(7));
    assertThat(adapter.list(group("a:b", "c"))).containsExactly(IntNode.valueOf(0));
    assertThat(adapter.listGroups("a")).containsExactly("b", "b:c");
    assertThat(adapter.listGroups("a:b")).containsExactly("c");
    assertThat(adapter.listAll()).containsKeys("a", "a:b", "a:b:c", "{x}", "{x", "sp ace");
  }

  @Test
  void listGroupsAndListAllAreSortedAndSkipEmptiedGroups() {
    adapter.set(group("orders", "beta"), "1", IntNode.valueOf(1));
    adapter.set(group("orders", "alpha"), "1", IntNode.valueOf(1));
    adapter.set(group("orders", "gone"), "1", IntNode.valueOf(1));
    adapter.set(group("users", "default"), "1", IntNode.valueOf(1));
    adapter.set(group("empty", "only"), "1", IntNode.valueOf(1));
    adapter.delete(group("orders", "gone"), "1");
    adapter.delete(group("empty", "only"), "1");
    assertThat(adapter.listGroups("orders")).containsExactly("alpha", "beta");
    Map<String, List<String>> all = adapter.listAll();
    assertThat(all.keySet()).containsExactly("orders", "users");
    assertThat(all.get("orders")).containsExactly("alpha", "beta");
    assertThat(all.get("users")).containsExactly("default");
  }

  @Test
  void sortOrderIsByCodePoint() {
    for (String name : List.of("b", "a", "\ud83d\ude00", "\uffff", "B", "a b")) {
      adapter.set(group("s", name), "i", IntNode.valueOf(1));
    }
    assertThat(adapter.listGroups("s"))
        .containsExactly("B", "a", "a b", "b", "\uffff", "\ud83d\ude00");
  }

  @Test
  void seqGoesOnAfterAGroupWasEmptied() {
    GroupKey g = group("s", "g");
    adapter.set(g, "i", IntNode.valueOf(1));
    long deleted = adapter.delete(g, "i").seq();
    long recreated = adapter.set(g, "i", IntNode.valueOf(2)).seq();
    assertThat(recreated).isGreaterThan(deleted);
  }

  @Test
  void snapshotHoldsItemsInOrderWithTheLastSeq() {
    GroupKey g = group("s", "g");
    adapter.set(g, "x", IntNode.valueOf(1));
    long last = adapter.set(g, "y", IntNode.valueOf(2)).seq();
    GroupSnapshot snapshot = adapter.snapshot(g);
    assertThat(snapshot.seq()).isEqualTo(last);
    assertThat(snapshot.items())
        .containsExactly(
            new GroupSnapshot.Item("x", IntNode.valueOf(1)),
            new GroupSnapshot.Item("y", IntNode.valueOf(2)));
    GroupSnapshot one = adapter.snapshot(g, "y");
    assertThat(one.seq()).isEqualTo(last);
    assertThat(one.value("y")).isEqualTo(IntNode.valueOf(2));
    assertThat(adapter.snapshot(g, "missing").items()).isEmpty();
    assertThat(adapter.snapshot(group("s", "never")).seq()).isZero();
  }

  @Test
  void concurrentUpdatesOfOneItemAreLinearizable() throws Exception {
    GroupKey g = group("s", "counter");
    int threads = 8;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    adapter.update(
                        g,
                        "n",
                        current -> IntNode.valueOf(current == null ? 1 : current.intValue() + 1));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(adapter.get(g, "n")).isEqualTo(IntNode.valueOf(threads * perThread));
  }

  @Test
  void commitsAreReportedPerGroupInSeqOrderWithoutConcurrentCalls() throws Exception {
    int threads = 8;
    int perThread = 200;
    Map<GroupKey, List<Long>> seqs = new ConcurrentHashMap<>();
    Map<GroupKey, AtomicInteger> inside = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    sink.onCommit =
        event -> {
          AtomicInteger busy = inside.computeIfAbsent(event.group(), k -> new AtomicInteger());
          if (busy.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
          }
          seqs.computeIfAbsent(event.group(), k -> Collections.synchronizedList(new ArrayList<>()))
              .add(event.seq());
          busy.decrementAndGet();
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    GroupKey g = group("s", "g" + (i % 2));
                    switch (i % 4) {
                      case 0 -> adapter.set(g, "i" + id, IntNode.valueOf(i));
                      case 1 -> adapter.update(g, "shared", v -> IntNode.valueOf(id));
                      case 2 -> adapter.send(g, null, PING);
                      default -> adapter.delete(g, "i" + id);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(overlaps).hasValue(0);
    for (Map.Entry<GroupKey, List<Long>> e : seqs.entrySet()) {
      List<Long> list = e.getValue();
      for (int i = 1; i < list.size(); i++) {
        assertThat(list.get(i)).as("%s at %d", e.getKey(), i).isEqualTo(list.get(i - 1) + 1);
      }
      assertThat(adapter.snapshot(e.getKey()).seq()).isEqualTo(list.get(list.size() - 1));
    }
  }

  @Test
  void writersOfDifferentGroupsDoNotWaitForEachOther() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Change> blocked =
          pool.submit(
              () ->
                  adapter.update(
                      group("s", "slow"),
                      "i",
                      current -> {
                        inside.countDown();
                        try {
                          release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return IntNode.valueOf(1);
                      }));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      adapter.set(group("s", "fast"), "i", IntNode.valueOf(2));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(blocked.isDone()).isFalse();
      release.countDown();
      assertThat(blocked.get(30, TimeUnit.SECONDS).newValue()).isEqualTo(IntNode.valueOf(1));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void eventsSinceIsEitherCompleteAndInOrderOrEmpty() {
    GroupKey g = group("s", "history");
    for (int i = 0; i < 10; i++) {
      adapter.set(g, "i" + (i % 3), IntNode.valueOf(i));
    }
    long current = adapter.snapshot(g).seq();
    for (long since : new long[] {0, 3, current - 1, current}) {
      Optional<List<Event>> replay = adapter.eventsSince(g, since);
      replay.ifPresent(
          events -> {
            List<Long> expected = new ArrayList<>();
            for (long s = since + 1; s <= current; s++) {
              expected.add(s);
            }
            assertThat(events).extracting(Event::seq).as("since %d", since).isEqualTo(expected);
          });
    }
    assertThat(adapter.eventsSince(g, current + 5)).as("a seq from the future").isEmpty();
  }

  @Test
  void eventsOfASubscribedGroupAreDeliveredInSeqOrderAndRecordedInItsHistory() {
    GroupKey g = group("s", "delivered");
    adapter.subscribe(g);
    try {
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        seqs.add(adapter.set(g, "i" + (i % 2), IntNode.valueOf(i)).seq());
      }
      seqs.add(adapter.send(g, null, PING).seq());
      seqs.add(adapter.delete(g, "i0").seq());
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(sink.deliveredSeqs(g)).isEqualTo(seqs);
              });
      Optional<List<Event>> history = adapter.eventsSince(g, seqs.get(0) - 1);
      history.ifPresent(
          events ->
              assertThat(events)
                  .extracting(Event::seq, Event::kind)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(seqs.get(0), Event.Kind.CREATE),
                      org.assertj.core.groups.Tuple.tuple(seqs.get(1), Event.Kind.CREATE),
                      org.assertj.core.groups.Tuple.tuple(seqs.get(2), Event.Kind.UPDATE),
                      org.assertj.core.groups.Tuple.tuple(seqs.get(3), Event.Kind.UPDATE),
                      org.assertj.core.groups.Tuple.tuple(seqs.get(4), Event.Kind.UPDATE),
                      org.assertj.core.groups.Tuple.tuple(seqs.get(5), Event.Kind.EVENT),
                      org.assertj.core.groups.Tuple.tuple(seqs.get(6), Event.Kind.DELETE)));
    } finally {
      adapter.unsubscribe(g);
    }
  }

  @Test
  void storedValuesAreIndependentOfLaterChangesToTheReturnedTree() {
    GroupKey g = group("s", "g");
    ObjectNode value = (ObjectNode) json("{\"a\":1}");
    adapter.set(g, "i", value);
    adapter.update(
        g,
        "i",
        current -> {
          ObjectNode copy = ((ObjectNode) current).deepCopy();
          copy.put("b", 2);
          return copy;
        });
    assertThat(adapter.get(g, "i")).isEqualTo(json("{\"a\":1,\"b\":2}"));
  }

  // ---- values and names (SPEC §2, §9): refusals commit nothing, in every adapter ----

  /** An engine over the kit's adapter (closing the engine closes the adapter, idempotently). */
  private StreamEngine engine(int maxItemBytes) {
    return StreamEngine.builder().storage(adapter).maxItemBytes(maxItemBytes).build();
  }

  private static JsonNode nested(int depth) {
    JsonNode value = IntNode.valueOf(1);
    for (int i = 0; i < depth; i++) {
      value = MAPPER.createArrayNode().add(value);
    }
    return value;
  }

  private static void assertRefused(Runnable call, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(code);
  }

  @Test
  void refusedSetsAndUpdatesCommitNothingAndKeepTheSeq() {
    GroupKey g = group("s", "g");
    try (StreamEngine engine = engine(64)) {
      engine.set("s", "g", "i", json("{\"a\":\"x\"}"));
      long seq = adapter.snapshot(g).seq();
      String big = "y".repeat(100);
      assertRefused(
          () -> engine.set("s", "g", "i", MAPPER.getNodeFactory().textNode(big)),
          StreamException.VALUE_TOO_LARGE);
      assertRefused(
          () ->
              engine.update(
                  "s", "g", "i", List.of(UpdateOp.append(List.of("a"), json("\"" + big + "\"")))),
          StreamException.VALUE_TOO_LARGE);
      assertRefused(
          () -> engine.update("s", "g", "new", List.of(UpdateOp.set("", json("\"" + big + "\"")))),
          StreamException.VALUE_TOO_LARGE);
      assertRefused(
          () -> engine.send("s", "g", "t", MAPPER.getNodeFactory().textNode(big), null),
          StreamException.VALUE_TOO_LARGE);
      assertRefused(
          () -> engine.set("s", "g", "i", DoubleNode.valueOf(Double.POSITIVE_INFINITY)),
          StreamException.INVALID_ARGUMENT);
      assertThat(adapter.snapshot(g).seq()).isEqualTo(seq);
      assertThat(adapter.get(g, "i")).isEqualTo(json("{\"a\":\"x\"}"));
      assertThat(adapter.get(g, "new")).isNull();
      assertThat(adapter.list(g)).containsExactly(json("{\"a\":\"x\"}"));
    }
  }

  @Test
  void tooDeepValuesAreRefusedBeforeTheyAreCommitted() {
    GroupKey g = group("s", "g");
    try (StreamEngine engine = engine(1 << 20)) {
      engine.set("s", "g", "i", MAPPER.createObjectNode());
      long seq = adapter.snapshot(g).seq();
      assertRefused(
          () -> engine.set("s", "g", "i", nested(1001)), StreamException.INVALID_ARGUMENT);
      List<String> path = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        path.add("k" + i);
      }
      // 32 objects + the [value] of a missing leaf + 990 levels: deeper than 1000
      assertRefused(
          () -> engine.update("s", "g", "i", List.of(UpdateOp.append(path, nested(990)))),
          StreamException.INVALID_ARGUMENT);
      assertThat(adapter.snapshot(g).seq()).isEqualTo(seq);
      assertThat(adapter.get(g, "i")).isEqualTo(MAPPER.createObjectNode());
      // the deepest value allowed is stored, listed and read back
      engine.set("s", "g", "deep", nested(1000));
      assertThat(adapter.get(g, "deep")).isEqualTo(nested(1000));
      assertThat(engine.invoke("stream::list", json("{\"stream_name\":\"s\",\"group_id\":\"g\"}")))
          .hasSize(2);
    }
  }

  @Test
  void aThrowingUpdaterCommitsNothing() {
    GroupKey g = group("s", "g");
    adapter.set(g, "i", IntNode.valueOf(1));
    long seq = adapter.snapshot(g).seq();
    int reports = sink.committed.size();
    for (String item : List.of("i", "missing")) {
      assertThatThrownBy(
              () ->
                  adapter.update(
                      g,
                      item,
                      current -> {
                        throw new IllegalStateException("refused by the updater");
                      }))
          .hasMessageContaining("refused by the updater");
    }
    assertThat(sink.committed).hasSize(reports);
    assertThat(adapter.snapshot(g).seq()).isEqualTo(seq);
    assertThat(adapter.get(g, "i")).isEqualTo(IntNode.valueOf(1));
    assertThat(adapter.get(g, "missing")).isNull();
    assertThat(adapter.list(g)).containsExactly(IntNode.valueOf(1));
    assertThat(adapter.set(g, "i", IntNode.valueOf(2)).seq()).isEqualTo(seq + 1);
  }

  @Test
  void namesWithLoneSurrogatesAreRefused() {
    try (StreamEngine engine = engine(1 << 20)) {
      for (String bad : List.of("\ud800", "\udfff", "a\ud800b", "\udfff\ud800", "x\ud83d")) {
        assertRefused(
            () -> engine.set(bad, "g", "i", IntNode.valueOf(1)), StreamException.INVALID_ARGUMENT);
        assertRefused(
            () -> engine.set("s", bad, "i", IntNode.valueOf(1)), StreamException.INVALID_ARGUMENT);
        assertRefused(
            () -> engine.set("s", "g", bad, IntNode.valueOf(1)), StreamException.INVALID_ARGUMENT);
        ObjectNode input = MAPPER.createObjectNode().put("stream_name", "s").put("group_id", "g");
        input.put("item_id", bad).put("data", 1);
        assertRefused(() -> engine.invoke("stream::set", input), StreamException.INVALID_ARGUMENT);
        assertRefused(
            () -> engine.update("s", "g", bad, List.of()), StreamException.INVALID_ARGUMENT);
      }
      assertThat(adapter.listAll()).isEmpty();
    }
  }

  @Test
  void emojiNamesRoundTrip() {
    String emoji = "\ud83d\ude00"; // U+1F600, one surrogate pair
    try (StreamEngine engine = engine(1 << 20)) {
      engine.set(emoji, "g" + emoji, emoji + "i", IntNode.valueOf(1));
      engine.set(emoji, "g" + emoji, emoji + "j", IntNode.valueOf(2));
      assertThat(engine.get(emoji, "g" + emoji, emoji + "i")).isEqualTo(IntNode.valueOf(1));
      assertThat(engine.get(emoji, "g" + emoji, emoji + "j")).isEqualTo(IntNode.valueOf(2));
      assertThat(engine.listGroups(emoji)).containsExactly("g" + emoji);
      assertThat(adapter.listAll()).containsOnlyKeys(emoji);
      assertThat(adapter.snapshot(group(emoji, "g" + emoji)).items())
          .extracting(GroupSnapshot.Item::id)
          .containsExactly(emoji + "i", emoji + "j");
    }
  }
}
