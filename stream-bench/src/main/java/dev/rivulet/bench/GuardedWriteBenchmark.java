package dev.rivulet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.Item;
import dev.rivulet.SetResult;
import dev.rivulet.StreamEngine;
import dev.rivulet.WriteOptions;
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
 * {@code stream::set} of a ~1 KB item through the in-memory engine's typed API, plain beside the
 * same write with {@code if_version} (the version of the previous write, so every one passes) and
 * with a fresh {@code idempotency_key} per write (so every one writes and is remembered; the store
 * holds 100 000 keys and forgets the oldest per write once full).
 *
 * <p>Run: {@code java -cp stream-bench/target/benchmarks.jar
 * dev.rivulet.bench.GuardedWriteBenchmark} for the side-by-side table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardedWriteBenchmark {
  private StreamEngine engine;
  private Item item;
  private JsonNode value;
  private long version;
  private long keys;

  @Setup
  public void setUp() {
    engine = StreamEngine.builder().build();
    item = engine.stream("orders").group("open").item("order-42");
    value = UpdateOpBenchmark.initialItem();
    version = item.set(value).version();
  }

  @TearDown
  public void tearDown() {
    engine.close();
  }

  /** A plain set. */
  @Benchmark
  public SetResult plainSet() {
    return item.set(value);
  }

  /** A set that must find the item at the version of the previous one. */
  @Benchmark
  public SetResult ifVersionSet() {
    SetResult result = item.set(value, WriteOptions.ifVersion(version));
    version = result.version();
    return result;
  }

  /** A set with a new idempotency key each time. */
  @Benchmark
  public SetResult idempotencyKeySet() {
    return item.set(value, WriteOptions.idempotencyKey("req-" + keys++));
  }

  /** Runs the three and prints them side by side, against the plain set. */
  public static void main(String[] args) throws RunnerException {
    BenchTables.runAndPrint(
        GuardedWriteBenchmark.class,
        "set of a ~1 KB item, 1 thread, in-memory (ops/s)",
        "plainSet",
        "plainSet",
        args);
  }
}
