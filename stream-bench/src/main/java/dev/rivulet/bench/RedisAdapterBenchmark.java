package dev.rivulet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamListener;
import dev.rivulet.Subscription;
import dev.rivulet.redis.RedisAdapter;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis adapter throughput ({@code set}, {@code get}, {@code update} through the engine, 256-byte
 * values, 1 and 16 threads, near-cache off and on) side by side with {@code redis-benchmark}
 * ({@code SET} and an {@code EVAL} of the same size) at the same concurrency against the same
 * {@code redis-server}, which this harness starts on a free port; then cross-instance delivery
 * latency (engine A writes, a subscriber on engine B receives) p50/p99.
 *
 * <p>Plain main: {@code java -cp <classpath> dev.rivulet.bench.RedisAdapterBenchmark [seconds per
 * run] [redis-url]} (with a URL, no server is started and redis-benchmark targets that port).
 */
public final class RedisAdapterBenchmark {
  private static final int VALUE_BYTES = 256;
  private static final int ITEMS = 1000;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private RedisAdapterBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    Process server = null;
    Path dir = null;
    String url;
    int port;
    if (args.length > 1) {
      url = args[1];
      port = java.net.URI.create(url).getPort();
    } else {
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      dir = Files.createTempDirectory("rivulet-redis-bench-");
      server =
          new ProcessBuilder(
                  "redis-server",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
      url = "redis://127.0.0.1:" + port;
      waitForServer(port);
    }
    try {
      run(url, port, seconds);
    } finally {
      if (server != null) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void waitForServer(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Process ping = new ProcessBuilder("redis-cli", "-p", String.valueOf(port), "PING").start();
      String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (ping.waitFor() == 0 && out.contains("PONG")) {
        return;
      }
      Thread.sleep(50); // polling an external process at start-up
    }
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  private static JsonNode value(int n) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("n", n);
    node.put("pad", "x".repeat(VALUE_BYTES - 20));
    return node;
  }

  private static final ThreadLocal<String> OWN_GROUP =
      ThreadLocal.withInitial(() -> "t-" + Thread.currentThread().getName());

  /** A group only the calling thread writes (writes of one group are ordered per instance). */
  private static String ownGroup() {
    return OWN_GROUP.get();
  }

  private static JsonNode incrementInput(String item) {
    return incrementInput("g", item);
  }

  private static JsonNode incrementInput(String group, String item) {
    ObjectNode input = MAPPER.createObjectNode();
    input.put("stream_name", "bench");
    input.put("group_id", group);
    input.put("item_id", item);
    ObjectNode op = input.putArray("ops").addObject();
    op.put("type", "increment");
    op.put("path", "n");
    op.put("by", 1);
    return input;
  }

  /** One operation of a throughput run; {@code i} is a per-thread counter. */
  @FunctionalInterface
  interface Op {
    void run(int i);
  }

  private static double throughput(int threads, double seconds, Op op) throws Exception {
    AtomicLong total = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long warmupNanos = (long) (seconds * 2e8);
    long runNanos = (long) (seconds * 1e9);
    long[] window = new long[2];
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                long begin = System.nanoTime();
                long from = begin + warmupNanos;
                long until = from + runNanos;
                long count = 0;
                int i = 0;
                long now;
                while ((now = System.nanoTime()) < until) {
                  op.run(i++);
                  if (now >= from) {
                    count++;
                  }
                }
                total.addAndGet(count);
              },
              "rivulet-bench-" + t);
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    window[0] = runNanos;
    return total.get() / (window[0] / 1e9);
  }

  private static double redisBenchmark(int port, int clients, String... command)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-c",
                String.valueOf(clients),
                "-n",
                String.valueOf(clients == 1 ? 30000 : 200000),
                "-r",
                String.valueOf(ITEMS),
                "-q"));
    args.addAll(Arrays.asList(command));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(out);
    double last = Double.NaN;
    while (m.find()) {
      last = Double.parseDouble(m.group(1));
    }
    if (Double.isNaN(last)) {
      throw new IllegalStateException("unexpected redis-benchmark output: " + out);
    }
    return last;
  }

  private static void run(String url, int port, double seconds) throws Exception {
    String pad = "x".repeat(VALUE_BYTES);
    String evalScript = "redis.call('SET', KEYS[1], ARGV[1]) return 1";
    List<String[]> rows = new ArrayList<>();
    try (StreamEngine engine = engine(url, 0);
        StreamEngine cached = engine(url, 10_000)) {
      for (int i = 0; i < ITEMS; i++) {
        engine.set("bench", "g", "i" + i, value(i));
      }
      // the near-cache serves only subscribed groups
      Subscription keepCached =
          cached.subscribe(
              "bench",
              "g",
              null,
              new StreamListener() {
                @Override
                public void onSnapshot(Snapshot snapshot, boolean resync) {}

                @Override
                public void onEvent(StreamEvent event) {}
              });
      for (int threads : new int[] {1, 16}) {
        double redisSet =
            redisBenchmark(port, threads, "-d", String.valueOf(VALUE_BYTES), "-t", "set");
        double redisEval =
            redisBenchmark(port, threads, "EVAL", evalScript, "1", "key:__rand_int__", pad);
        double set =
            throughput(threads, seconds, i -> engine.set("bench", "g", "i" + rnd(), value(i)));
        double get = throughput(threads, seconds, i -> engine.get("bench", "g", "i" + rnd()));
        double getCached = throughput(threads, seconds, i -> cached.get("bench", "g", "i" + rnd()));
        double update =
            throughput(
                threads,
                seconds,
                i -> engine.invoke("stream::update", incrementInput("i" + rnd())));
        double setOwn =
            throughput(
                threads, seconds, i -> engine.set("bench", ownGroup(), "i" + rnd(), value(i)));
        double updateOwn =
            throughput(
                threads,
                seconds,
                i -> engine.invoke("stream::update", incrementInput(ownGroup(), "i" + rnd())));
        rows.add(row("redis-benchmark SET", threads, redisSet, redisSet));
        rows.add(row("redis-benchmark EVAL (SET in Lua)", threads, redisEval, redisEval));
        rows.add(row("rivulet set", threads, set, redisEval));
        rows.add(row("rivulet get", threads, get, redisSet));
        rows.add(row("rivulet get, near-cache on", threads, getCached, redisSet));
        rows.add(row("rivulet update (increment)", threads, update, redisEval));
        rows.add(row("rivulet set, one group per thread", threads, setOwn, redisEval));
        rows.add(row("rivulet update, one group per thread", threads, updateOwn, redisEval));
      }
      keepCached.close();
    }
    System.out.println();
    System.out.println("| operation | threads/clients | ops/s | vs redis-benchmark |");
    System.out.println("|---|---:|---:|---:|");
    for (String[] r : rows) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
    System.out.println(
        "\n(set and update compare with EVAL, get with SET; same server, same concurrency)");
    latency(url);
  }

  private static int rnd() {
    return ThreadLocalRandom.current().nextInt(ITEMS);
  }

  private static String[] row(String name, int threads, double rate, double baseline) {
    return new String[] {
      name,
      String.valueOf(threads),
      String.format(Locale.ROOT, "%,.0f", rate),
      String.format(Locale.ROOT, "%.2f×", rate / baseline)
    };
  }

  private static StreamEngine engine(String url, int nearCache) {
    RedisAdapter.Builder builder = RedisAdapter.builder().url(url).poolSize(32);
    if (nearCache > 0) {
      builder.nearCache(nearCache);
    }
    return StreamEngine.builder().storage(builder.build()).build();
  }

  /** Engine A writes one change at a time; engine B's subscriber timestamps each arrival. */
  private static void latency(String url) throws Exception {
    int count = 3000;
    long[] sent = new long[count + 1];
    long[] received = new long[count + 1];
    CountDownLatch all = new CountDownLatch(count);
    try (StreamEngine a = engine(url, 0);
        StreamEngine b = engine(url, 0)) {
      CountDownLatch ready = new CountDownLatch(1);
      Subscription sub =
          b.subscribe(
              "latency",
              "g",
              null,
              new StreamListener() {
                @Override
                public void onSnapshot(Snapshot snapshot, boolean resync) {
                  ready.countDown();
                }

                @Override
                public void onEvent(StreamEvent event) {
                  int n = event.data().path("n").asInt();
                  received[n] = System.nanoTime();
                  all.countDown();
                }
              });
      ready.await(10, TimeUnit.SECONDS);
      for (int n = 1; n <= count; n++) {
        sent[n] = System.nanoTime();
        a.set("latency", "g", "x", value(n));
      }
      if (!all.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("events missing: " + all.getCount());
      }
      sub.close();
    }
    long[] micros = new long[count];
    for (int n = 1; n <= count; n++) {
      micros[n - 1] = (received[n] - sent[n]) / 1000;
    }
    Arrays.sort(micros);
    System.out.printf(
        Locale.ROOT,
        "%ncross-instance delivery (set on A -> onEvent on B), %d events: p50 %d µs, p99 %d µs,"
            + " max %d µs%n",
        count,
        micros[count / 2],
        micros[(int) (count * 0.99)],
        micros[count - 1]);
  }
}
