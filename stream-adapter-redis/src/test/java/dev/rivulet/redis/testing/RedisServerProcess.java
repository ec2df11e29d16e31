package dev.rivulet.redis.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real {@code redis-server} child process on a free 127.0.0.1 port, in a temp directory, without
 * persistence; killed by pid on close. Tests call {@link #requireRedis()} first: without {@code
 * redis-server} they fail when {@code CI=true} and are skipped otherwise. Shipped in this module's
 * test-jar for other modules' tests.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  private RedisServerProcess(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  public static void requireRedis() {
    boolean present;
    try {
      Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
      present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      present = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      present = false;
    }
    if (!present) {
      String message =
          "redis-server is not installed (apt-get install -y redis-server redis-tools)";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + " and CI=true");
      }
      Assumptions.abort(message + ": skipping");
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A free port below 55535 whose Cluster bus port (port + 10000) is free too. */
  public static int freeClusterPort() {
    java.util.Random random = new java.util.Random();
    while (true) {
      int port = 20000 + random.nextInt(20000);
      try (ServerSocket one = new ServerSocket(port);
          ServerSocket bus = new ServerSocket(port + 10000)) {
        if (one.isBound() && bus.isBound()) {
          return port;
        }
      } catch (IOException taken) {
        // try another
      }
    }
  }

  public static RedisServerProcess start(String... extraArgs) {
    return start(freePort(), extraArgs);
  }

  public static RedisServerProcess start(int port, String... extraArgs) {
    requireRedis();
    try {
      Path dir = Files.createTempDirectory("rivulet-redis-");
      RedisServerProcess server = new RedisServerProcess(port, dir, List.of(extraArgs));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server process (again, on the same port and directory). */
  public void launch() {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
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
            dir.toString(),
            "--enable-debug-command",
            "local"));
    command.addAll(extraArgs);
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis jedis = jedis()) {
                return "PONG".equals(jedis.ping());
              } catch (JedisDataException e) {
                return e.getMessage().startsWith("NOAUTH"); // up, with a password
              }
            });
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  public long pid() {
    return process.pid();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public Jedis jedis() {
    return new Jedis("127.0.0.1", port, 5000);
  }

  /** {@code SHUTDOWN NOSAVE} and wait for the process to exit. */
  public void shutdownNoSave() {
    try (Jedis jedis = jedis()) {
      jedis.shutdown();
    } catch (RuntimeException expected) {
      // the connection drops as the server exits
    }
    waitForExit();
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a signal ({@code STOP}, {@code CONT}) to the server process. */
  public void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).start();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      signal("CONT");
      process.destroyForcibly();
      waitForExit();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
