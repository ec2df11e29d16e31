package dev.rivulet.ws;

import dev.rivulet.StreamEngine;
import dev.rivulet.spi.StorageAdapter;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
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
      engine = StreamEngine.builder().storage(storage(flags)).build();
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
            .inspector(true);
    if (flags.authToken != null) {
      builder.authToken(flags.authToken);
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
      Object builder = call("dev.rivulet.redis.RedisAdapter", "builder", null, new Class<?>[0]);
      builder = invoke(builder, "url", new Class<?>[] {String.class}, flags.redisUrl);
      return (StorageAdapter) invoke(builder, "build", new Class<?>[0]);
    }
    if (flags.store.equals("file")) {
      Object builder =
          call(
              "dev.rivulet.kv.KvAdapter",
              "fileBased",
              Path.of(flags.dataDir),
              new Class<?>[] {Path.class});
      Class<?> fsync = load("dev.rivulet.kv.KvAdapter$Fsync");
      Object mode = null;
      for (Object constant : fsync.getEnumConstants()) {
        if (((Enum<?>) constant).name().equalsIgnoreCase(flags.fsync)) {
          mode = constant;
        }
      }
      builder = invoke(builder, "fsync", new Class<?>[] {fsync}, mode);
      return (StorageAdapter) invoke(builder, "build", new Class<?>[0]);
    }
    return StorageAdapter.inMemory();
  }

  // The adapters are looked up by name so this module builds while they are being written.
  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + " is not in this build", e);
    }
  }

  private static Object call(String type, String method, Object arg, Class<?>[] params) {
    try {
      Method m = load(type).getMethod(method, params);
      return params.length == 0 ? m.invoke(null) : m.invoke(null, arg);
    } catch (ReflectiveOperationException e) {
      throw unwrap(e);
    }
  }

  private static Object invoke(Object target, String method, Class<?>[] params, Object... args) {
    try {
      return target.getClass().getMethod(method, params).invoke(target, args);
    } catch (ReflectiveOperationException e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException unwrap(ReflectiveOperationException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause instanceof RuntimeException r
        ? r
        : new IllegalStateException(cause.toString(), cause);
  }
}
