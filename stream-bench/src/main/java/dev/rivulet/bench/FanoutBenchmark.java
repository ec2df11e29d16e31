package dev.rivulet.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket fan-out (SPEC §8): N subscribers of one group on 127.0.0.1, K changes of a 200-byte
 * item, each delivered to all N. The servers, each a child process driven by the same {@link
 * NioLoadClient} (one selector thread) and the same writers: Rivulet ({@link BenchServer}:
 * in-memory engine + {@code StreamWebSocketServer}; {@code rivulet} = this build, {@code base} =
 * the same from another classpath, e.g. an older build's benchmarks jar, for before/after in one
 * run), a Node {@code ws@8} broadcast server ({@code stream-bench/node/broadcast-server.js}) and
 * nginx + nchan ({@link NchanConfig}, subscribers on {@code /sub/g}, publisher {@code /pub/g}).
 *
 * <p>Writers: {@code writers} threads in this JVM share the changes; every change is one HTTP/1.1
 * POST on a fresh connection ({@code Connection: close}): {@code POST /invoke/stream::set} for
 * Rivulet (the engine stores the item and emits the event), for the baselines their publish POST
 * with the exact message bytes Rivulet would send for that change (same JSON shape and field order,
 * same length within a digit or two of {@code seq}). At most {@code window} changes are in flight
 * (change i+window is written only when change i reached all N clients); window 0 = none: the
 * writers post back to back (continuous load).
 *
 * <p>Latency: the writer puts {@code System.nanoTime()} into the item ({@code "t"}) just before it
 * writes the request; the client takes {@code System.nanoTime()} once per socket read. Both are in
 * this JVM, so it is one clock (no wall-clock skew, ns resolution; reads batch several frames, so a
 * delivery is stamped when its read returned).
 *
 * <p>Deliveries/s = N × K / (last measured delivery − first measured write). A warm-up of {@code
 * warmup} changes precedes each measurement. Server CPU (user, system) and context switches (summed
 * over the server's threads) come from /proc; with {@code --strace-changes C} a further C changes
 * per row run under {@code strace -c -f -p PID} for the system call profile.
 *
 * <p>{@code java -cp benchmarks.jar dev.rivulet.bench.FanoutBenchmark [--n 1000,5000] [--deliveries
 * 2000000] [--warmup 100] [--window 4] [--writers 1] [--servers rivulet,base,node,nchan] [--base-cp
 * JAR] [--selectors 1,2] [--strace-changes 0] [--node-dir stream-bench/node] [--server-jvm "-Xms1g
 * -Xmx1g"]}
 */
public final class FanoutBenchmark {
  static final String STREAM = "bench";
  static final String GROUP = "g";
  static final String ITEM = "item";
  static final int ITEM_BYTES = 200;
  static final String JOIN =
      "{\"type\":\"join\",\"data\":{\"subscriptionId\":\"s\",\"streamName\":\""
          + STREAM
          + "\",\"groupId\":\""
          + GROUP
          + "\"}}";

  private FanoutBenchmark() {}

  /** One measured row. */
  record Row(
      String server,
      int n,
      int writers,
      int changes,
      double deliveriesPerSecond,
      double p50Micros,
      double p99Micros,
      double maxMicros,
      int messageBytes,
      double messagesPerRead,
      ProcessProbe.Sample server0,
      double clientCpuMicrosPerDelivery,
      long errors,
      Syscalls syscalls) {
    double deliveries() {
      return (double) n * changes;
    }
  }

  /** What {@code strace -c -f} counted in the server during a bounded run of its own. */
  record Syscalls(long deliveries, Map<String, Long> calls) {
    long of(String... names) {
      long sum = 0;
      for (String name : names) {
        sum += calls.getOrDefault(name, 0L);
      }
      return sum;
    }

    long writes() {
      return of("write", "writev", "sendmsg", "sendto", "sendmmsg");
    }
  }

  record Options(
      int[] ns,
      long deliveries,
      int warmup,
      int window,
      int writers,
      Path nodeDir,
      List<String> serverJvm,
      List<String> servers,
      String baseCp,
      int[] selectors,
      int straceChanges) {
    static Options parse(String[] args) {
      int[] ns = {1000, 5000};
      long deliveries = 2_000_000;
      int warmup = 100;
      int window = 4;
      int writers = 1;
      Path nodeDir = Path.of("stream-bench/node");
      List<String> jvm = List.of("-Xms1g", "-Xmx1g");
      List<String> servers = List.of("rivulet", "node");
      String baseCp = null;
      int[] selectors = {0};
      int strace = 0;
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--n" -> ns = ints(need(v, args[i]));
          case "--deliveries" -> deliveries = Long.parseLong(need(v, args[i]));
          case "--warmup" -> warmup = Integer.parseInt(need(v, args[i]));
          case "--window" -> window = Integer.parseInt(need(v, args[i]));
          case "--writers" -> writers = Integer.parseInt(need(v, args[i]));
          case "--node-dir" -> nodeDir = Path.of(need(v, args[i]));
          case "--server-jvm" -> jvm = List.of(need(v, args[i]).trim().split("\\s+"));
          case "--servers" -> servers = List.of(need(v, args[i]).split(","));
          case "--base-cp" -> baseCp = need(v, args[i]);
          case "--selectors" -> selectors = ints(need(v, args[i]));
          case "--strace-changes" -> strace = Integer.parseInt(need(v, args[i]));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (window < 0 || writers < 1 || warmup < 0 || deliveries < 1 || strace < 0) {
        throw new IllegalArgumentException(
            "window >= 0 (0 = none), writers >= 1, warmup >= 0, deliveries >= 1");
      }
      return new Options(
          ns,
          deliveries,
          warmup,
          window,
          writers,
          nodeDir,
          jvm,
          servers,
          baseCp,
          selectors,
          strace);
    }

    private static int[] ints(String v) {
      return Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static String need(String v, String flag) {
      if (v == null) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return v;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    List<Row> rows = new ArrayList<>();
    for (String kind : o.servers) {
      for (int selectors : kind.startsWith("rivulet") || kind.equals("base") ? o.selectors : ONE) {
        try (ChildServer server = start(kind, selectors, o)) {
          for (int n : o.ns) {
            rows.add(run(server, kind, n, o));
          }
        }
      }
    }
    print(rows, o);
  }

  private static final int[] ONE = {0};

  /**
   * The server under test: {@code rivulet} (this build), {@code base}, {@code node}, {@code nchan}.
   */
  private static ChildServer start(String kind, int selectors, Options o) throws Exception {
    String suffix =
        selectors > 0 ? " (" + selectors + " selector" + (selectors > 1 ? "s)" : ")") : "";
    return switch (kind) {
      case "rivulet" -> ChildServer.rivulet("rivulet" + suffix, o.serverJvm, null, selectors);
      case "base" -> ChildServer.rivulet("rivulet@base" + suffix, o.serverJvm, o.baseCp, selectors);
      case "node" -> ChildServer.node(o.nodeDir, List.of());
      case "nchan" -> ChildServer.nchan(List.of(GROUP));
      default -> throw new IllegalArgumentException("unknown server " + kind);
    };
  }

  private static Writer writerFor(String kind, int port) {
    return switch (kind) {
      case "node" -> new MessageWriter(port, "/broadcast/" + GROUP);
      case "nchan" -> new MessageWriter(port, "/pub/" + GROUP);
      default -> new RivuletWriter(port);
    };
  }

  static Row run(ChildServer server, String kind, int n, Options o) throws Exception {
    int changes = (int) Math.max(1, o.deliveries / n);
    int window = o.window == 0 ? Integer.MAX_VALUE / 4 : o.window;
    Collector collector = new Collector(n, o.warmup, changes, o.straceChanges, window);
    Writer writer = writerFor(kind, server.port);
    boolean nchan = kind.equals("nchan");
    try (NioLoadClient client =
            new NioLoadClient(server.port, nchan ? "/sub/" + GROUP : "/", collector);
        Writers writers = new Writers(o.writers, writer, collector)) {
      client.open(n, nchan ? null : JOIN, 120);
      System.err.printf(
          Locale.ROOT,
          "%s: %d connections joined; %d warm-up + %d changes, %d writer(s)%n",
          server.name,
          n,
          o.warmup,
          changes,
          o.writers);
      writers.write(0, o.warmup);
      collector.drain();
      long messages0 = client.messages();
      long reads0 = client.readsWithMessages();
      ProcessProbe.Sample server0 = ProcessProbe.sample(server.pid());
      double clientCpu0 = ChildServer.cpuSecondsOf(ProcessHandle.current().pid());
      long start = System.nanoTime();
      collector.measureFrom(start);
      writers.write(o.warmup, o.warmup + changes);
      collector.drain();
      ProcessProbe.Sample serverUse = ProcessProbe.sample(server.pid()).minus(server0);
      double clientCpu = ChildServer.cpuSecondsOf(ProcessHandle.current().pid()) - clientCpu0;
      long[] lat = collector.latencies();
      Arrays.sort(lat);
      double seconds = (collector.lastDelivery - start) / 1e9;
      double messagesPerRead =
          (double) (client.messages() - messages0) / (client.readsWithMessages() - reads0);
      Syscalls syscalls = null;
      if (o.straceChanges > 0) {
        ProcessProbe.Strace strace = ProcessProbe.Strace.attach(server.pid());
        int from = o.warmup + changes;
        writers.write(from, from + o.straceChanges);
        collector.drain();
        syscalls = new Syscalls((long) n * o.straceChanges, strace.stop());
      }
      return new Row(
          server.name,
          n,
          o.writers,
          changes,
          (double) n * changes / seconds,
          pct(lat, 0.50),
          pct(lat, 0.99),
          lat[lat.length - 1] / 1000.0,
          client.lastMessageBytes(),
          messagesPerRead,
          serverUse,
          clientCpu * 1e6 / ((double) n * changes),
          client.protocolErrors() + client.closedByServer(),
          syscalls);
    }
  }

  /** Writer threads making changes [from, to) together, each waiting for a window slot. */
  static final class Writers implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;
    private final Writer writer;
    private final Collector collector;

    Writers(int threads, Writer writer, Collector collector) {
      this.pool = Executors.newFixedThreadPool(threads);
      this.threads = threads;
      this.writer = writer;
      this.collector = collector;
    }

    void write(int from, int to) throws Exception {
      AtomicInteger next = new AtomicInteger(from);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        running.add(
            pool.submit(
                () -> {
                  for (int k = next.getAndIncrement(); k < to; k = next.getAndIncrement()) {
                    collector.awaitSlot();
                    writer.write(k);
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1000.0;
  }

  /** Counts deliveries per change, keeps the window and the measured latencies. */
  static final class Collector implements NioLoadClient.Handler {
    private static final byte[] K_KEY = "\"k\":".getBytes(StandardCharsets.US_ASCII);
    private final int n;
    private final int warmup;
    private final int window;
    private final int measuredEnd;
    private final int[] perChange;
    private final long[] latencies;
    private final Semaphore slots;
    private int recorded;
    private long measureFrom = Long.MAX_VALUE;
    volatile long lastDelivery;
    private volatile long measureFromVolatile = Long.MAX_VALUE;

    /** Changes [warmup, warmup + changes) are measured; {@code extra} more may follow. */
    Collector(int n, int warmup, int changes, int extra, int window) {
      this.n = n;
      this.warmup = warmup;
      this.window = window;
      this.measuredEnd = warmup + changes;
      this.perChange = new int[warmup + changes + extra];
      this.latencies = new long[n * changes];
      this.slots = new Semaphore(window);
    }

    void awaitSlot() throws InterruptedException {
      if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a change did not reach all " + n + " clients in 60 s");
      }
    }

    /** Waits until every change written so far reached all clients. */
    void drain() throws InterruptedException {
      if (!slots.tryAcquire(window, 60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("changes did not reach all " + n + " clients in 60 s");
      }
      slots.release(window);
    }

    void measureFrom(long start) {
      measureFromVolatile = start;
    }

    long[] latencies() {
      return Arrays.copyOf(latencies, recorded);
    }

    @Override
    public void message(byte[] a, int off, int len, long now) {
      int at = indexOf(a, off, off + len, K_KEY);
      if (at < 0) {
        return; // not a benchmark change
      }
      int p = at + K_KEY.length;
      long k = 0;
      while (a[p] >= '0' && a[p] <= '9') {
        k = k * 10 + (a[p++] - '0');
      }
      p += 5; // ,"t":
      long t = 0;
      while (a[p] >= '0' && a[p] <= '9') {
        t = t * 10 + (a[p++] - '0');
      }
      if (k >= perChange.length) {
        return;
      }
      if (k >= warmup && k < measuredEnd) {
        if (measureFrom == Long.MAX_VALUE) {
          measureFrom = measureFromVolatile;
        }
        latencies[recorded++] = now - t;
        lastDelivery = now;
      }
      if (++perChange[(int) k] == n) {
        slots.release();
      }
    }

    private static int indexOf(byte[] a, int from, int to, byte[] key) {
      outer:
      for (int i = from; i <= to - key.length; i++) {
        for (int j = 0; j < key.length; j++) {
          if (a[i + j] != key[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /** The item of change k: exactly {@link #ITEM_BYTES} bytes of JSON with k and the write time. */
  static String item(int k, long nanos) {
    String head = "{\"k\":" + k + ",\"t\":" + nanos + ",\"pad\":\"";
    return head + "x".repeat(ITEM_BYTES - head.length() - 2) + "\"}";
  }

  /** Makes change k happen on the server under test. */
  interface Writer {
    void write(int k) throws IOException;
  }

  /** {@code POST /invoke/stream::set}: the engine stores the item and emits the event. */
  record RivuletWriter(int port) implements Writer {
    @Override
    public void write(int k) throws IOException {
      String item = item(k, System.nanoTime());
      String body =
          "{\"stream_name\":\""
              + STREAM
              + "\",\"group_id\":\""
              + GROUP
              + "\",\"item_id\":\""
              + ITEM
              + "\",\"data\":"
              + item
              + "}";
      post(port, "/invoke/stream::set", body);
    }
  }

  /**
   * A baseline's publish ({@code POST /broadcast/g} for Node, {@code POST /pub/g} for nchan) with
   * the bytes Rivulet sends for the same change.
   */
  record MessageWriter(int port, String path) implements Writer {
    @Override
    public void write(int k) throws IOException {
      String item = item(k, System.nanoTime());
      String message =
          "{\"type\":\"stream\",\"timestamp\":"
              + System.currentTimeMillis()
              + ",\"streamName\":\""
              + STREAM
              + "\",\"groupId\":\""
              + GROUP
              + "\",\"id\":\""
              + ITEM
              + "\",\"event\":{\"type\":\""
              + (k == 0 ? "create" : "update")
              + "\",\"data\":"
              + item
              + "},\"seq\":"
              + (k + 1)
              + "}";
      post(port, path, message);
    }
  }

  /** One HTTP/1.1 POST on a fresh connection; fails unless the status is 2xx (nchan: 201/202). */
  static void post(int port, String path, String body) throws IOException {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + payload.length
              + "\r\nConnection: close\r\n\r\n";
      byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = Arrays.copyOf(h, h.length + payload.length);
      System.arraycopy(payload, 0, all, h.length, payload.length);
      out.write(all);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int r = in.read(buf); r > 0; r = in.read(buf)) {
        response.write(buf, 0, r);
      }
      String text = response.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.1 2")) {
        throw new IOException("POST " + path + " answered " + text.lines().findFirst().orElse(""));
      }
    }
  }

  static void print(List<Row> rows, Options o) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "WebSocket fan-out, %d-byte item, %s, %d writer(s), warm-up %d changes, ~%,d deliveries"
            + " per row%n%n",
        ITEM_BYTES,
        o.window == 0 ? "no window (continuous)" : "window " + o.window,
        o.writers,
        o.warmup,
        o.deliveries);
    System.out.println(
        "| server | N | changes | deliveries/s | p50 | p99 | max | msg bytes | msgs/read"
            + " | server CPU µs/delivery (user + sys) | ctx switches (vol / invol)"
            + " | client CPU µs/delivery | errors |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      ProcessProbe.Sample c = r.server0;
      double d = r.deliveries();
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %,.0f | %s | %s | %s | %d | %.1f | %.2f (%.2f + %.2f) | %,d / %,d"
              + " | %.2f | %d |%n",
          r.server,
          r.n,
          r.changes,
          r.deliveriesPerSecond,
          ms(r.p50Micros),
          ms(r.p99Micros),
          ms(r.maxMicros),
          r.messageBytes,
          r.messagesPerRead,
          (c.userSeconds() + c.systemSeconds()) * 1e6 / d,
          c.userSeconds() * 1e6 / d,
          c.systemSeconds() * 1e6 / d,
          c.voluntary(),
          c.nonvoluntary(),
          r.clientCpuMicrosPerDelivery,
          r.errors);
    }
    printSyscalls(rows, o);
    for (Row r : rows) {
      for (Row b : rows) {
        if (r.server.startsWith("rivulet") && !b.server.startsWith("rivulet") && r.n == b.n) {
          System.out.printf(
              Locale.ROOT,
              "%nN = %,d: %s / %s = %.2f× deliveries/s",
              r.n,
              r.server,
              b.server,
              r.deliveriesPerSecond / b.deliveriesPerSecond);
        }
      }
    }
    System.out.println();
  }

  private static void printSyscalls(List<Row> rows, Options o) {
    if (o.straceChanges == 0) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%nUnder strace -c -f (a separate run of %d changes per row, same connections):%n%n",
        o.straceChanges);
    System.out.println(
        "| server | N | deliveries | syscalls/delivery | frames per write syscall"
            + " | futex | epoll_wait | top calls |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
    for (Row r : rows) {
      Syscalls s = r.syscalls;
      if (s == null) {
        continue;
      }
      String top =
          s.calls.entrySet().stream()
              .filter(e -> !e.getKey().equals("total"))
              .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
              .limit(5)
              .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
              .reduce((a, b) -> a + ", " + b)
              .orElse("");
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %.2f | %.1f | %,d | %,d | %s |%n",
          r.server,
          r.n,
          s.deliveries,
          (double) s.of("total") / s.deliveries,
          (double) s.deliveries / Math.max(1, s.writes()),
          s.of("futex"),
          s.of("epoll_wait", "epoll_pwait"),
          top);
    }
  }

  private static String ms(double micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
  }
}
