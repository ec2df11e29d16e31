package dev.rivulet.ws;

import dev.rivulet.StreamEngine;
import dev.rivulet.kv.KvAdapter;
import dev.rivulet.redis.RedisAdapter;
import dev.rivulet.spi.StorageAdapter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone Rivulet server: {@code java -jar rivulet-server.jar [--port 3112] [--store file]
 * …}. Prints {@code rivulet listening on ws://HOST:PORT/} once listening; SIGTERM/SIGINT close
 * every socket with 1001, fire leave triggers, flush and close storage, and exit 0. A bad flag
 * prints one line to stderr and exits 2.
 */
public final class StreamServer {
  private StreamServer() {}

  /**
   * Runs the standalone server until the JVM is stopped. Flags: {@code --host H} (default {@code
   * 127.0.0.1}), {@code --port P} (default 3112, 0 = any free port), {@code --store memory|file}
   * (default memory), {@code --data-dir DIR}, {@code --fsync always|batch|off}, {@code --redis-url
   * URL} (Redis instead of kv), {@code --http-invoke}, {@code --echo}, {@code --auth-token T},
   * {@code --allowed-origin O} (repeatable), {@code --max-item-bytes N}, {@code --help}; the
   * environment variables {@code STREAM_HOST}, {@code STREAM_PORT}, {@code REDIS_URL} and {@code
   * STREAM_AUTH_TOKEN} give defaults that the flags override. The inspector page and {@code GET
   * /health}, {@code GET /stats} are always on.
   *
   * <p>Exit status: 0 after {@code --help} or a stop by SIGTERM/SIGINT; 2 for a bad flag; 1 when
   * the storage cannot be opened or the address cannot be bound (one line on stderr each).
   *
   * @param args the command-line flags
   */
  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ServerFlags flags;
    try {
      flags = ServerFlags.parse(args, env);
    } catch (ServerFlags.BadFlag e) {
      err.println("rivulet: " + e.getMessage());
      return 2;
    }
    if (flags.help) {
      out.print(ServerFlags.USAGE);
      return 0;
    }
    StreamEngine engine;
    try {
      StreamEngine.Builder engineBuilder = StreamEngine.builder();
      if (flags.maxItemBytes != null) {
        engineBuilder.maxItemBytes(flags.maxItemBytes);
      }
      engine = engineBuilder.storage(storage(flags)).build();
    } catch (RuntimeException e) {
      err.println("rivulet: cannot open storage: " + e.getMessage());
      return 1;
    }
    StreamWebSocketServer.Builder builder =
        StreamWebSocketServer.builder(engine)
            .host(flags.host)
            .port(flags.port)
            .httpInvoke(flags.httpInvoke)
            .echo(flags.echo)
            .iiiWorkers(flags.iiiWorkers)
            .inspector(true)
            .statusEndpoints(true)
            .allowedOrigins(flags.allowedOrigins.toArray(String[]::new));
    if (flags.authToken != null) {
      builder.authToken(flags.authToken);
    }
    if (flags.authFunction != null) {
      builder.authFunction(flags.authFunction);
    }
    StreamWebSocketServer server;
    try {
      server = builder.build().start();
    } catch (RuntimeException e) {
      engine.close();
      err.println("rivulet: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  engine.close();
                  stopped.countDown();
                  out.flush();
                  // a signal would make the exit status 143/130; a clean stop is status 0
                  Runtime.getRuntime().halt(0);
                },
                "rivulet-shutdown"));
    out.println("rivulet listening on ws://" + flags.host + ":" + server.port() + "/");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static StorageAdapter storage(ServerFlags flags) {
    if (flags.redisUrl != null) {
      return RedisAdapter.builder().url(flags.redisUrl).build();
    }
    if (flags.store.equals("file")) {
      return KvAdapter.fileBased(Path.of(flags.dataDir))
          .fsync(KvAdapter.Fsync.valueOf(flags.fsync.toUpperCase(Locale.ROOT)))
          .build();
    }
    return KvAdapter.inMemory();
  }
}
