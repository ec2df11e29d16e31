package dev.rivulet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Heap per idle subscribed connection (SPEC §8, target ≤ 16 KB at 10 000 connections). The server
 * runs in a child process; the {@link NioLoadClient} (one selector thread) opens the connections,
 * each joins a group and gets its sync, then they stay idle. Used heap is measured in the child
 * after full GCs ({@code System.gc()} until it stops shrinking, MemoryMXBean) before and after the
 * connections; the difference divided by the count is the number. The resident set size (VmRSS)
 * delta is printed beside it: it also counts direct buffers, thread stacks and the JIT, not kernel
 * socket buffers. Node {@code ws@8} is measured the same way as a reference ({@code heapUsed} after
 * {@code gc()} with {@code --expose-gc}: the V8 heap only; its native socket objects are in RSS).
 *
 * <p>{@code java -cp benchmarks.jar dev.rivulet.bench.IdleConnectionsBenchmark [connections]
 * [node-dir]}
 */
public final class IdleConnectionsBenchmark {
  private IdleConnectionsBenchmark() {}

  record Row(String server, String groups, int connections, long heapBytes, long rssBytes) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path nodeDir = Path.of(args.length > 1 ? args[1] : "stream-bench/node");
    List<Row> rows = new ArrayList<>();
    IntFunction<String> sameGroup = i -> FanoutBenchmark.JOIN;
    IntFunction<String> ownGroup = i -> FanoutBenchmark.JOIN.replace("\"g\"", "\"g" + i + "\"");
    for (boolean own : new boolean[] {false, true}) {
      try (ChildServer server =
          ChildServer.rivulet("rivulet", List.of("-Xms2g", "-Xmx2g"), null, 0)) {
        rows.add(measure(server, n, own ? ownGroup : sameGroup, own));
      }
    }
    try (ChildServer server = ChildServer.node(nodeDir, List.of("--expose-gc"))) {
      rows.add(measure(server, n, sameGroup, false));
    }
    System.out.println();
    System.out.println("| server | groups | connections | heap/connection | RSS/connection |");
    System.out.println("|---|---|---:|---:|---:|");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %,d | %s | %s |%n",
          r.server,
          r.groups,
          r.connections,
          kb(r.heapBytes / (double) r.connections),
          kb(r.rssBytes / (double) r.connections));
    }
  }

  private static Row measure(ChildServer server, int n, IntFunction<String> join, boolean own)
      throws Exception {
    try (NioLoadClient warm = new NioLoadClient(server.port, (a, off, len, now) -> {})) {
      warm.open(200, join, 60); // load classes and JIT the join path before the baseline
    }
    long heap0 = server.ask("heap");
    long rss0 = rss(server.pid());
    try (NioLoadClient client = new NioLoadClient(server.port, (a, off, len, now) -> {})) {
      long t0 = System.nanoTime();
      client.open(n, join, 300);
      System.err.printf(
          Locale.ROOT,
          "%s: %,d connections joined in %.1f s%n",
          server.name,
          n,
          (System.nanoTime() - t0) / 1e9);
      long heap1 = server.ask("heap");
      long rss1 = rss(server.pid());
      if (client.protocolErrors() + client.closedByServer() > 0) {
        throw new IllegalStateException("connections failed or were closed by the server");
      }
      return new Row(
          server.name, own ? "one per connection" : "one shared", n, heap1 - heap0, rss1 - rss0);
    }
  }

  /** VmRSS of {@code pid} in bytes (Linux), 0 if unknown. */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  private static String kb(double bytes) {
    return String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
  }
}
