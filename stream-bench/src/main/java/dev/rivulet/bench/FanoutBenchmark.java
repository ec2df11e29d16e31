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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket fan-out (SPEC §8): N subscribers of one group on 127.0.0.1, K changes of a 200-byte
 * item, each delivered to all N. Rivulet ({@link BenchServer}: in-memory engine + {@code
 * StreamWebSocketServer}, child JVM) and, in the same run, a Node {@code ws@8} broadcast server
 * ({@code stream-bench/node/broadcast-server.js}, child process) are driven by the same {@link
 * NioLoadClient} (one selector thread) and the same writer.
 *
 * <p>Writer: one thread in this JVM; every change is one HTTP/1.1 POST on a fresh connection
 * ({@code Connection: close}, what the Rivulet server answers): {@code POST /invoke/stream::set}
 * for Rivulet (the engine stores the item and emits the event), {@code POST /broadcast/g} for Node
 * with the exact message bytes Rivulet would send for that change (same JSON shape and field order,
 * same length within a digit or two of {@code seq}). At most {@code window} changes are in flight:
 * change i+window is written only when change i reached all N clients.
 *
 * <p>Latency: the writer puts {@code System.nanoTime()} into the item ({@code "t"}) just before it
 * writes the request; the client takes {@code System.nanoTime()} once per socket read. Both are in
 * this JVM, so it is one clock (no wall-clock skew, ns resolution; reads batch several frames, so a
 * delivery is stamped when its read returned).
 *
 * <p>Deliveries/s = N × K / (last measured delivery − first measured write). A warm-up of {@code
 * warmup} changes precedes each measurement.
 *
 * <p>{@code java -cp benchmarks.jar dev.rivulet.bench.FanoutBenchmark [--n 1000,5000] [--deliveries
 * 2000000] [--warmup 100] [--window 4] [--node-dir stream-bench/node] [--server-jvm "-Xms1g
 * -Xmx1g"] [--only rivulet|node]}
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
      int changes,
      double deliveriesPerSecond,
      double p50Micros,
      double p99Micros,
      double maxMicros,
      int messageBytes,
      double messagesPerRead,
      double serverCpuMicrosPerDelivery,
      double clientCpuMicrosPerDelivery,
      long errors) {}

  record Options(
      int[] ns,
      long deliveries,
      int warmup,
      int window,
      Path nodeDir,
      List<String> serverJvm,
      String only) {
    static Options parse(String[] args) {
      int[] ns = {1000, 5000};
      long deliveries = 2_000_000;
      int warmup = 100;
      int window = 4;
      Path nodeDir = Path.of("stream-bench/node");
      List<String> jvm = List.of("-Xms1g", "-Xmx1g");
      String only = "";
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--n" ->
              ns = Arrays.stream(need(v, args[i]).split(",")).mapToInt(Integer::parseInt).toArray();
          case "--deliveries" -> deliveries = Long.parseLong(need(v, args[i]));
          case "--warmup" -> warmup = Integer.parseInt(need(v, args[i]));
          case "--window" -> window = Integer.parseInt(need(v, args[i]));
          case "--node-dir" -> nodeDir = Path.of(need(v, args[i]));
          case "--server-jvm" -> jvm = List.of(need(v, args[i]).trim().split("\\s+"));
          case "--only" -> only = need(v, args[i]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (window < 1 || warmup < 0 || deliveries < 1) {
        throw new IllegalArgumentException("window >= 1, warmup >= 0, deliveries >= 1");
      }
      return new Options(ns, deliveries, warmup, window, nodeDir, jvm, only);
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
    if (!o.only.equals("node")) {
      try (ChildServer server = ChildServer.rivulet(o.serverJvm)) {
        for (int n : o.ns) {
          rows.add(run(server, new RivuletWriter(server.port), n, o));
        }
      }
    }
    if (!o.only.equals("rivulet")) {
      try (ChildServer server = ChildServer.node(o.nodeDir, List.of())) {
        for (int n : o.ns) {
          rows.add(run(server, new NodeWriter(server.port), n, o));
        }
      }
    }
    print(rows, o);
  }

  static Row run(ChildServer server, Writer writer, int n, Options o) throws Exception {
    int changes = (int) Math.max(1, o.deliveries / n);
    Collector collector = new Collector(n, o.warmup, changes, o.window);
    try (NioLoadClient client = new NioLoadClient(server.port, collector)) {
      client.open(n, JOIN, 120);
      System.err.printf(
          Locale.ROOT,
          "%s: %d connections joined; %d warm-up + %d changes%n",
          server.name,
          n,
          o.warmup,
          changes);
      for (int k = 0; k < o.warmup; k++) {
        collector.awaitSlot();
        writer.write(k);
      }
      collector.drain();
      long messages0 = client.messages();
      long reads0 = client.readsWithMessages();
      double serverCpu0 = server.cpuSeconds();
      double clientCpu0 = ChildServer.cpuSecondsOf(ProcessHandle.current().pid());
      long start = System.nanoTime();
      collector.measureFrom(start);
      for (int k = o.warmup; k < o.warmup + changes; k++) {
        collector.awaitSlot();
        writer.write(k);
      }
      collector.drain();
      double serverCpu = server.cpuSeconds() - serverCpu0;
      double clientCpu = ChildServer.cpuSecondsOf(ProcessHandle.current().pid()) - clientCpu0;
      long[] lat = collector.latencies();
      Arrays.sort(lat);
      double seconds = (collector.lastDelivery - start) / 1e9;
      return new Row(
          server.name,
          n,
          changes,
          (double) n * changes / seconds,
          pct(lat, 0.50),
          pct(lat, 0.99),
          lat[lat.length - 1] / 1000.0,
          client.lastMessageBytes(),
          (double) (client.messages() - messages0) / (client.readsWithMessages() - reads0),
          serverCpu * 1e6 / ((double) n * changes),
          clientCpu * 1e6 / ((double) n * changes),
          client.protocolErrors() + client.closedByServer());
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
    private final int[] perChange;
    private final long[] latencies;
    private final Semaphore slots;
    private int recorded;
    private long measureFrom = Long.MAX_VALUE;
    volatile long lastDelivery;
    private volatile long measureFromVolatile = Long.MAX_VALUE;

    Collector(int n, int warmup, int changes, int window) {
      this.n = n;
      this.warmup = warmup;
      this.window = window;
      this.perChange = new int[warmup + changes];
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
      if (k >= warmup) {
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

  /** {@code POST /broadcast/g} with the bytes Rivulet sends for the same change. */
  record NodeWriter(int port) implements Writer {
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
      post(port, "/broadcast/" + GROUP, message);
    }
  }

  /** One HTTP/1.1 POST on a fresh connection; fails unless the status is 200. */
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
      if (!text.startsWith("HTTP/1.1 200")) {
        throw new IOException("POST " + path + " answered " + text.lines().findFirst().orElse(""));
      }
    }
  }

  static void print(List<Row> rows, Options o) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "WebSocket fan-out, %d-byte item, window %d, warm-up %d changes, ~%,d deliveries per row%n%n",
        ITEM_BYTES,
        o.window,
        o.warmup,
        o.deliveries);
    System.out.println(
        "| server | N | changes | deliveries/s | p50 | p99 | max | message bytes | msgs/read | server CPU µs/delivery"
            + " | client CPU µs/delivery | errors |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %,.0f | %s | %s | %s | %d | %.1f | %.2f | %.2f | %d |%n",
          r.server,
          r.n,
          r.changes,
          r.deliveriesPerSecond,
          ms(r.p50Micros),
          ms(r.p99Micros),
          ms(r.maxMicros),
          r.messageBytes,
          r.messagesPerRead,
          r.serverCpuMicrosPerDelivery,
          r.clientCpuMicrosPerDelivery,
          r.errors);
    }
    for (Row r : rows) {
      for (Row b : rows) {
        if (r.server.startsWith("rivulet") && !b.server.startsWith("rivulet") && r.n == b.n) {
          System.out.printf(
              Locale.ROOT,
              "%nN = %,d: rivulet / %s = %.2f× deliveries/s",
              r.n,
              b.server,
              r.deliveriesPerSecond / b.deliveriesPerSecond);
        }
      }
    }
    System.out.println();
  }

  private static String ms(double micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
  }
}
