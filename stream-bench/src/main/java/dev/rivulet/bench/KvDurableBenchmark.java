package dev.rivulet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.kv.KvAdapter;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Durable kv {@code set} throughput and commit latency (256-byte values, one group per thread) with
 * {@code fsync=ALWAYS} from 1, 4 and 16 threads, beside the raw group-commit rate of the same disk
 * (1, 16, 64 and 256 records per {@code FileChannel.force(false)}; latency per batch) and {@code
 * OFF} as the ceiling; a last run compacts continuously (4 MiB threshold) to show the longest
 * writer pause. Beside them: 16 threads writing ONE group (the issue-11 case), and {@code
 * stream::send} from 16 threads on the durable store and on the in-memory store (a send never waits
 * for a force).
 *
 * <p>Plain main, not JMH: {@code java -cp <classpath> dev.rivulet.bench.KvDurableBenchmark [dir]
 * [seconds per run]}.
 */
public final class KvDurableBenchmark {
  private static final int VALUE_BYTES = 256;

  private KvDurableBenchmark() {}

  /** One measured run. */
  record Result(String name, long ops, double seconds, long[] latenciesNanos) {
    double rate() {
      return ops / seconds;
    }

    double percentileMicros(double p) {
      if (latenciesNanos.length == 0) {
        return 0;
      }
      int i = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p * latenciesNanos.length) - 1);
      return latenciesNanos[Math.max(0, i)] / 1000.0;
    }

    double maxMicros() {
      return latenciesNanos.length == 0 ? 0 : latenciesNanos[latenciesNanos.length - 1] / 1000.0;
    }
  }

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "target/kv-bench");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Files.createDirectories(base);
    JsonNode value = value();
    List<Result> results = new ArrayList<>();
    for (int records : new int[] {1, 16, 64, 256}) {
      results.add(rawForce(base.resolve("raw-force.bin"), seconds, records));
    }
    for (int threads : new int[] {1, 4, 16}) {
      results.add(
          kv(
              "kv ALWAYS, " + threads + " thr",
              base,
              KvAdapter.Fsync.ALWAYS,
              0,
              threads,
              seconds,
              value));
    }
    results.add(
        kv(
            "kv ALWAYS, 16 thr, ONE group",
            base,
            KvAdapter.Fsync.ALWAYS,
            0,
            16,
            seconds,
            value,
            Workload.ONE_GROUP));
    results.add(kv("kv OFF, 16 thr (ceiling)", base, KvAdapter.Fsync.OFF, 0, 16, seconds, value));
    results.add(
        kv(
            "send, kv ALWAYS, 16 thr",
            base,
            KvAdapter.Fsync.ALWAYS,
            0,
            16,
            seconds,
            value,
            Workload.SEND));
    results.add(
        run("send, in-memory, 16 thr", KvAdapter.inMemory(), 16, seconds, value, Workload.SEND));
    results.add(
        kv(
            "kv ALWAYS, 16 thr, compacting",
            base,
            KvAdapter.Fsync.ALWAYS,
            4L << 20,
            16,
            seconds,
            value));
    print(results);
    System.out.printf(
        "%nONE group / 16 groups: %.2f (target >= 0.70); send file / in-memory: %.2f (target >="
            + " 0.50)%n",
        rate(results, "kv ALWAYS, 16 thr, ONE group") / rate(results, "kv ALWAYS, 16 thr"),
        rate(results, "send, kv ALWAYS, 16 thr") / rate(results, "send, in-memory, 16 thr"));
  }

  private static double rate(List<Result> results, String name) {
    return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().rate();
  }

  private static JsonNode value() {
    ObjectNode node = JsonMapper.builder().build().createObjectNode();
    node.put("data", "x".repeat(VALUE_BYTES - 11));
    return node;
  }

  /**
   * The disk's raw group-commit rate: {@code records} 316-byte records appended with one {@code
   * write} and made durable with one {@code force(false)}, in a loop; ops are records.
   */
  private static Result rawForce(Path file, double seconds, int records) throws IOException {
    Files.deleteIfExists(file);
    ByteBuffer record = ByteBuffer.allocate((VALUE_BYTES + 60) * records);
    LongList latencies = new LongList();
    long ops = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long now = start;
      while (now < end) {
        record.clear();
        ch.write(record);
        ch.force(false);
        long after = System.nanoTime();
        latencies.add(after - now);
        now = after;
        ops += records;
      }
    }
    Files.deleteIfExists(file);
    return new Result(
        "raw group commit, " + records + " rec/fsync",
        ops,
        (System.nanoTime() - start) / 1e9,
        latencies.sorted());
  }

  /** What each thread does: sets in a group of its own, sets in one shared group, or sends. */
  enum Workload {
    SETS,
    ONE_GROUP,
    SEND
  }

  private static final Notice TYPING =
      new Notice(
          dev.rivulet.spi.Event.Kind.EVENT,
          "typing",
          JsonMapper.builder().build().createObjectNode().put("user", "ada"));

  private static Result kv(
      String name,
      Path base,
      KvAdapter.Fsync mode,
      long compactionThreshold,
      int threads,
      double seconds,
      JsonNode value)
      throws Exception {
    return kv(name, base, mode, compactionThreshold, threads, seconds, value, Workload.SETS);
  }

  private static Result kv(
      String name,
      Path base,
      KvAdapter.Fsync mode,
      long compactionThreshold,
      int threads,
      double seconds,
      JsonNode value,
      Workload workload)
      throws Exception {
    Path dir = base.resolve(name.replaceAll("[^A-Za-z0-9]+", "-"));
    deleteTree(dir);
    KvAdapter.Builder builder = KvAdapter.fileBased(dir).fsync(mode);
    if (compactionThreshold > 0) {
      builder.compactionThreshold(compactionThreshold).segmentSize(compactionThreshold / 2);
    }
    Result result = run(name, builder.build(), threads, seconds, value, workload);
    deleteTree(dir);
    return result;
  }

  /** Runs {@code workload} on {@code store} from {@code threads} threads, then closes it. */
  private static Result run(
      String name,
      StorageAdapter storage,
      int threads,
      double seconds,
      JsonNode value,
      Workload workload)
      throws Exception {
    LongList[] latencies = new LongList[threads];
    long[] counts = new long[threads];
    CountDownLatch startGate = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long elapsed;
    try (StorageAdapter store = storage) {
      long[] deadline = new long[1];
      for (int t = 0; t < threads; t++) {
        int id = t;
        latencies[t] = new LongList();
        Thread worker =
            new Thread(
                () -> {
                  GroupKey group =
                      new GroupKey("bench", workload == Workload.ONE_GROUP ? "g" : "g" + id);
                  try {
                    startGate.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  long now = System.nanoTime();
                  for (long n = 0; now < deadline[0]; n++) {
                    if (workload == Workload.SEND) {
                      store.send(group, null, TYPING);
                    } else {
                      store.set(group, "i" + (n % 1000), value);
                    }
                    long after = System.nanoTime();
                    latencies[id].add(after - now);
                    now = after;
                    counts[id]++;
                  }
                },
                "bench-" + t);
        worker.start();
        workers.add(worker);
      }
      long start = System.nanoTime();
      deadline[0] = start + (long) (seconds * 1e9);
      startGate.countDown();
      for (Thread w : workers) {
        w.join();
      }
      elapsed = System.nanoTime() - start;
    }
    LongList all = new LongList();
    for (LongList l : latencies) {
      all.addAll(l);
    }
    return new Result(name, Arrays.stream(counts).sum(), elapsed / 1e9, all.sorted());
  }

  private static void print(List<Result> results) {
    System.out.printf("%-32s %12s %10s %10s %10s%n", "run", "ops/s", "p50 us", "p99 us", "max us");
    for (Result r : results) {
      System.out.printf(
          "%-32s %,12.0f %10.1f %10.1f %10.1f%n",
          r.name(), r.rate(), r.percentileMicros(0.50), r.percentileMicros(0.99), r.maxMicros());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A growable list of longs. */
  private static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void addAll(LongList other) {
      for (int i = 0; i < other.size; i++) {
        add(other.values[i]);
      }
    }

    long[] sorted() {
      long[] copy = Arrays.copyOf(values, size);
      Arrays.sort(copy);
      return copy;
    }
  }
}
