package dev.rivulet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.UpdateOp;
import dev.rivulet.UpdateResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.RunnerException;

/**
 * {@code stream::update} of a realistic ~1 KB item (increment + set + merge + append) through the
 * in-memory engine, beside a baseline that does per update what a naive port does: parse the stored
 * JSON bytes, deep-copy, apply, re-serialize. Both reset the item to its initial value every 64
 * updates so the appended array stays bounded; both pay that reset the same way.
 *
 * <p>Run: {@code java -jar stream-bench/target/benchmarks.jar UpdateOpBenchmark} for the raw JMH
 * output, or {@code java -cp stream-bench/target/benchmarks.jar
 * dev.rivulet.bench.UpdateOpBenchmark} for the side-by-side table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpdateOpBenchmark {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final int RESET_EVERY = 64;

  private StreamEngine engine;
  private JsonNode initial;
  private List<UpdateOp> ops;
  private final Map<String, byte[]> naiveStore = new HashMap<>();
  private int count;

  /** A ~1 KB order document. */
  static JsonNode initialItem() {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      lines
          .append(i == 0 ? "" : ",")
          .append("{\"sku\":\"SKU-")
          .append(1000 + i)
          .append("\",\"qty\":")
          .append(i + 1)
          .append(",\"price\":")
          .append(9.5 + i)
          .append(",\"title\":\"Item number ")
          .append(i)
          .append(" in the order\"}");
    }
    String text =
        "{\"id\":\"order-42\",\"status\":\"open\",\"count\":0,\"customer\":{\"name\":\"Ada"
            + " Lovelace\",\"email\":\"ada@example.org\",\"tier\":\"gold\"},\"lines\":["
            + lines
            + "],\"meta\":{\"source\":\"web\",\"campaign\":\"autumn\",\"notes\":\"leave at the"
            + " door\"},\"events\":[{\"kind\":\"created\",\"at\":1717000000000}]}";
    return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static List<UpdateOp> updateOps() {
    return List.of(
        UpdateOp.increment("count", 1),
        UpdateOp.set("status", MAPPER.getNodeFactory().textNode("packing")),
        UpdateOp.merge(List.of("meta"), parse("{\"picker\":\"p-7\",\"zone\":\"B\"}".getBytes())),
        UpdateOp.append(
            List.of("events"), parse("{\"kind\":\"scan\",\"at\":1717000000123}".getBytes())));
  }

  static JsonNode parse(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Setup
  public void setUp() throws IOException {
    engine = StreamEngine.builder().build();
    initial = initialItem();
    ops = updateOps();
    engine.set("orders", "open", "order-42", initial);
    naiveStore.put("order-42", MAPPER.writeValueAsBytes(initial));
  }

  @TearDown
  public void tearDown() {
    engine.close();
  }

  /** Rivulet: one {@code update} through the engine (decode-free typed API). */
  @Benchmark
  public UpdateResult engineUpdate() {
    if (++count % RESET_EVERY == 0) {
      engine.set("orders", "open", "order-42", initial);
    }
    return engine.update("orders", "open", "order-42", ops);
  }

  /** Baseline: parse stored bytes, deep-copy, apply, re-serialize, store bytes. */
  @Benchmark
  public byte[] naiveUpdate() throws IOException {
    if (++count % RESET_EVERY == 0) {
      naiveStore.put("order-42", MAPPER.writeValueAsBytes(initial));
    }
    synchronized (naiveStore) {
      JsonNode stored = MAPPER.readTree(naiveStore.get("order-42"));
      JsonNode working = stored.deepCopy();
      JsonNode next = applyNaively((ObjectNode) working, ops);
      byte[] bytes = MAPPER.writeValueAsBytes(next);
      naiveStore.put("order-42", bytes);
      return bytes;
    }
  }

  /**
   * What a naive port's own applier does with the ops of {@link #updateOps()} (top-level fields and
   * one-level paths, which is all they use): changes {@code doc} in place.
   */
  static JsonNode applyNaively(ObjectNode doc, List<UpdateOp> ops) {
    for (UpdateOp op : ops) {
      if (op instanceof UpdateOp.Increment inc) {
        doc.put(inc.path(), doc.path(inc.path()).asLong() + inc.by());
      } else if (op instanceof UpdateOp.Set set) {
        doc.set(set.path(), set.value());
      } else if (op instanceof UpdateOp.Merge merge) {
        ((ObjectNode) doc.get(merge.path().get(0))).setAll((ObjectNode) merge.value());
      } else if (op instanceof UpdateOp.Append append) {
        ((ArrayNode) doc.get(append.path().get(0))).add(append.value());
      } else {
        throw new IllegalArgumentException("not used by this benchmark: " + op);
      }
    }
    return doc;
  }

  /** Runs both benchmarks and prints them side by side with the ratio. */
  public static void main(String[] args) throws RunnerException {
    BenchTables.runAndPrint(
        UpdateOpBenchmark.class,
        "update of a ~1 KB item, 1 thread (ops/s)",
        "engineUpdate",
        "naiveUpdate",
        args);
  }
}
