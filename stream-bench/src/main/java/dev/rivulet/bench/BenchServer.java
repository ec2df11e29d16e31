package dev.rivulet.bench;

import dev.rivulet.StreamEngine;
import dev.rivulet.ws.StreamWebSocketServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The Rivulet side of the WebSocket benchmarks, meant to run in its own JVM: an in-memory {@link
 * StreamEngine} served by a {@link StreamWebSocketServer} on 127.0.0.1 with {@code POST
 * /invoke/{functionId}} enabled. Prints {@code rivulet listening on ws://127.0.0.1:PORT/}, then
 * answers commands on stdin: {@code heap} prints {@code heap <used bytes>} after full GCs, {@code
 * quit} (or end of input) closes the server and exits.
 *
 * <p>{@code java -cp benchmarks.jar dev.rivulet.bench.BenchServer [port [selectorThreads]]}
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    try (StreamEngine engine = StreamEngine.builder().build();
        StreamWebSocketServer server = server(engine, port, args).start()) {
      System.out.println("rivulet listening on ws://127.0.0.1:" + server.port() + "/");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "heap" -> System.out.println("heap " + usedHeapAfterGc());
          case "connections" -> System.out.println("connections " + server.connectionCount());
          case "quit" -> {
            return;
          }
          default -> System.out.println("unknown command " + line);
        }
        System.out.flush();
      }
    }
  }

  /** The server; a second argument sets the selector threads (default: the server's own). */
  private static StreamWebSocketServer server(StreamEngine engine, int port, String[] args) {
    StreamWebSocketServer.Builder b =
        StreamWebSocketServer.builder(engine).host("127.0.0.1").port(port).httpInvoke(true);
    if (args.length > 1) {
      b.selectorThreads(Integer.parseInt(args[1]));
    }
    return b.build();
  }

  /** Used heap after a few full collections (until it stops shrinking). */
  static long usedHeapAfterGc() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= best) {
        break;
      }
      best = used;
    }
    return best;
  }
}
