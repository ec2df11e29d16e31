package dev.rivulet.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running a main class of the test classpath; its stdout lines are collected. */
final class ChildJvm implements AutoCloseable {
  final Process process;
  private final List<String> lines = new ArrayList<>();
  private final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
  private final Thread reader;

  ChildJvm(Path stderr, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    process =
        new ProcessBuilder(command)
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    reader = new Thread(this::read, "child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Collects complete lines only: a line cut by the kill (no newline) is dropped. */
  private void read() {
    try (InputStream in = process.getInputStream()) {
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            String line = current.toString(StandardCharsets.UTF_8);
            current.reset();
            synchronized (lines) {
              lines.add(line);
            }
            fresh.add(line);
          } else {
            current.write(buf[i]);
          }
        }
      }
    } catch (IOException e) {
      // the process died; what was read is kept
    }
  }

  /** Waits for a stdout line starting with {@code prefix}. */
  String await(String prefix, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      String line = fresh.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("child printed no line starting with " + prefix);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Waits until {@code count} lines starting with {@code prefix} arrived, or the timeout. */
  void awaitCount(String prefix, int count, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    int seen = 0;
    while (seen < count) {
      String line = fresh.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        return;
      }
      if (line.startsWith(prefix)) {
        seen++;
      }
    }
  }

  /**
   * SIGKILL, then every complete line it printed. Kills through the {@link ProcessHandle}: {@code
   * Process.destroyForcibly()} also closes our end of stdout and would drop unread lines.
   */
  List<String> kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    reader.join(30_000);
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
