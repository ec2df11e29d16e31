package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.internal.Json;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Values the engine refuses before they are committed (SPEC §9 "Item size", "Values"). */
class ValueLimitsTest {
  private static final int MAX = ValueLimits.DEFAULT_MAX_ITEM_BYTES;

  private final StreamEngine engine = StreamEngine.builder().build();

  @AfterEach
  void close() {
    engine.close();
  }

  private static JsonNode nested(int depth) {
    JsonNode value = IntNode.valueOf(1);
    for (int i = 0; i < depth; i++) {
      value = Json.array().add(value);
    }
    return value;
  }

  /** A string value whose JSON ({@code "…"}) is exactly {@code bytes} long. */
  private static JsonNode jsonOfLength(int bytes) {
    return TextNode.valueOf("a".repeat(bytes - 2));
  }

  private static String code(Throwable e) {
    return ((StreamException) e).code();
  }

  private long seq() {
    return engine.snapshot("s", "g", null).seq();
  }

  private static ObjectNode input(String item) {
    return Json.object().put("stream_name", "s").put("group_id", "g").put("item_id", item);
  }

  private static ArrayNode appendAt(List<String> path, JsonNode value) {
    ArrayNode ops = Json.array();
    ObjectNode op = ops.addObject().put("type", "append");
    path.forEach(op.putArray("path")::add);
    op.set("value", value);
    return ops;
  }

  @Test
  void anItemOfExactlyMaxItemBytesIsStoredAndOneByteMoreIsRefused() {
    assertThat(Json.bytes(jsonOfLength(MAX))).hasSize(MAX);
    engine.set("s", "g", "i", jsonOfLength(MAX));
    long seq = seq();
    assertThatThrownBy(() -> engine.set("s", "g", "i", jsonOfLength(MAX + 1)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.VALUE_TOO_LARGE))
        .hasMessageContaining(String.valueOf(MAX));
    assertThat(seq()).isEqualTo(seq);
    assertThat(engine.get("s", "g", "i")).isEqualTo(jsonOfLength(MAX));
  }

  @Test
  void sendDataObeysTheSameBound() {
    long seq = seq();
    assertThatThrownBy(() -> engine.send("s", "g", "t", jsonOfLength(MAX + 1), null))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.VALUE_TOO_LARGE));
    assertThat(seq()).isEqualTo(seq);
    engine.send("s", "g", "t", jsonOfLength(MAX), null);
    assertThat(seq()).isEqualTo(seq + 1);
  }

  @Test
  void depth1000IsStoredAndDepth1001IsRefused() {
    engine.set("s", "g", "i", nested(1000));
    long seq = seq();
    assertThatThrownBy(() -> engine.set("s", "g", "i", nested(1001)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT))
        .hasMessageContaining("1000");
    assertThat(seq()).isEqualTo(seq);
    // the deepest value still travels inside results, lists and event messages
    assertThatCode(() -> Json.text(engine.invoke("stream::list", input("x").without("item_id"))))
        .doesNotThrowAnyException();
    assertThat(Json.parse(Json.text(engine.invoke("stream::get", input("i")))))
        .isEqualTo(nested(1000));
  }

  @Test
  void nonFiniteNumbersAreRefusedAndBigIntegersStayExact() {
    assertThatThrownBy(() -> engine.set("s", "g", "i", DoubleNode.valueOf(Double.NaN)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
    ObjectNode inf = Json.object().put("x", Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> engine.set("s", "g", "i", inf))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
    assertThat(engine.get("s", "g", "i")).isNull();

    JsonNode exact = Json.parse("[123456789012345678901234567890,1e308,-1e-400]");
    engine.set("s", "g", "i", exact);
    assertThat(engine.get("s", "g", "i").get(0).bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(engine.get("s", "g", "i").get(1).doubleValue()).isEqualTo(1e308);
  }

  @Test
  void numbersOutsideTheDoubleRangeFailTheParse() {
    // obs 10: 1e400 was stored as the string "Infinity"
    for (String text : List.of("1e400", "{\"a\":[-1e400]}", "{\"data\":1E999}")) {
      assertThatThrownBy(() -> Json.parse(text))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("out of range");
    }
  }

  /** obs 2: the item was committed, the call failed, subscribers saw a gap, list failed. */
  @Test
  void anUpdateThatWouldNestTooDeepWritesNothingAndEmitsNothing() throws Exception {
    engine.invoke("stream::set", input("i").set("data", Json.object()));
    Recorder recorder = new Recorder();
    try (Subscription sub = engine.subscribe("s", "g", null, recorder)) {
      assertThat(sub).isNotNull();
      long seq = seq();
      List<String> path = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        path.add("p" + i);
      }
      ObjectNode update = input("i");
      update.set("ops", appendAt(path, nested(990)));
      assertThatThrownBy(() -> engine.invoke("stream::update", update))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
      assertThat(seq()).isEqualTo(seq);
      assertThat(engine.get("s", "g", "i")).isEqualTo(Json.object());
      assertThat(Json.text(engine.invoke("stream::list", input("i").without("item_id"))))
          .isEqualTo("[{}]");

      engine.set("s", "g", "after", IntNode.valueOf(1));
      assertThat(recorder.latch.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(recorder.events).extracting(StreamEvent::itemId).containsExactly("after");
      assertThat(recorder.events.get(0).seq()).isEqualTo(seq + 1);
    }
  }

  /** obs 3: repeated 900 KB appends grew one item to 75 MB. */
  @Test
  void appendsStopAtMaxItemBytesAndTheRefusedOneWritesNothing() throws Exception {
    String chunk = "z".repeat(900 * 1024);
    engine.set("s", "g", "i", TextNode.valueOf(""));
    ObjectNode update = input("i");
    update.set("ops", appendAt(List.of(), TextNode.valueOf(chunk)));
    engine.invoke("stream::update", update);
    Recorder recorder = new Recorder();
    try (Subscription sub = engine.subscribe("s", "g", null, recorder)) {
      assertThat(sub).isNotNull();
      long seq = seq();
      assertThatThrownBy(() -> engine.invoke("stream::update", update))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.VALUE_TOO_LARGE));
      assertThat(seq()).isEqualTo(seq);
      assertThat(engine.get("s", "g", "i").textValue()).hasSize(chunk.length());

      engine.set("s", "g", "after", IntNode.valueOf(1));
      assertThat(recorder.latch.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(recorder.events).extracting(StreamEvent::itemId).containsExactly("after");
    }
  }

  @Test
  void aSmallerMaxItemBytesAndMaxValueDepthApply() {
    try (StreamEngine small = StreamEngine.builder().maxItemBytes(10).maxValueDepth(2).build()) {
      small.set("s", "g", "i", jsonOfLength(10));
      assertThatThrownBy(() -> small.set("s", "g", "i", jsonOfLength(11)))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.VALUE_TOO_LARGE));
      small.set("s", "g", "j", nested(2));
      assertThatThrownBy(() -> small.set("s", "g", "j", nested(3)))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
    }
  }

  @Test
  void builderRefusesLimitsOutOfRange() {
    assertThatThrownBy(() -> StreamEngine.builder().maxItemBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxItemBytes")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> StreamEngine.builder().maxValueDepth(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxValueDepth");
    assertThatThrownBy(() -> StreamEngine.builder().maxValueDepth(1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1001");
  }

  @Test
  void anOverlyDeepJavaValueIsRefusedWithoutOverflowingTheStack() {
    assertThatThrownBy(() -> engine.set("s", "g", "i", nested(200_000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
  }

  @Test
  void loneSurrogatesInNamesAndTriggerConfigsAreRefused() {
    assertThatThrownBy(() -> Inputs.checkName("f", "item_id", "\ud800"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT))
        .hasMessageContaining("surrogate");
    assertThat(Inputs.checkName("f", "item_id", "\ud83d\ude00")).isEqualTo("\ud83d\ude00");
    for (String field : List.of("stream_name", "group_id", "item_id")) {
      ObjectNode config = Json.object().put("stream_name", "s");
      config.put(field, "x\udfff");
      assertThatThrownBy(
              () ->
                  engine
                      .triggers()
                      .register(Trigger.toFunction("t", TriggerType.STREAM, config, "fn")))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT))
          .hasMessageContaining(field);
    }
  }

  /** Counts events; the latch opens at the first one. */
  private static final class Recorder implements StreamListener {
    final List<StreamEvent> events = new CopyOnWriteArrayList<>();
    final CountDownLatch latch = new CountDownLatch(1);

    @Override
    public void onSnapshot(Snapshot snapshot, boolean resync) {}

    @Override
    public void onEvent(StreamEvent event) {
      events.add(event);
      latch.countDown();
    }
  }
}
