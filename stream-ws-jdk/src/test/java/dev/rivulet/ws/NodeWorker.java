package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A scenario of {@code src/test/node} run by the real npm {@code iii-sdk}: {@code node script.mjs
 * ws://127.0.0.1:PORT/iii}. Its {@code @{json}} stdout lines are the events tests wait for; the
 * rest of its output is kept for failure messages.
 */
final class NodeWorker implements AutoCloseable {
  static final Path DIR = Path.of("src/test/node").toAbsolutePath();

  private final Process process;
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final List<String> output = new ArrayList<>();

  private NodeWorker(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (output) {
                    output.add(line);
                  }
                  if (line.startsWith("@")) {
                    events.add(JdkClient.MAPPER.readTree(line.substring(1)));
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "node-worker-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Skips the test (fails it when {@code CI=true}) unless node and the SDK are there; installs the
   * SDK with {@code npm ci} when node_modules is missing.
   */
  static void assumeAvailable() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    String missing = null;
    if (!runs("node", "--version")) {
      missing = "node is not installed";
    } else if (!Files.isDirectory(DIR.resolve("node_modules/iii-sdk"))
        && !runs("npm", "ci", "--no-audit", "--no-fund", "--prefix", DIR.toString())) {
      missing = "npm ci --prefix " + DIR + " failed (no network?)";
    }
    if (missing != null) {
      if (ci) {
        throw new AssertionError("iii-sdk tests need node and npm on CI: " + missing);
      }
      Assumptions.abort("skipping the iii-sdk tests: " + missing);
    }
  }

  private static boolean runs(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts {@code node script url}. */
  static NodeWorker start(String script, String url) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("node", script, url).directory(DIR.toFile());
    pb.redirectErrorStream(true);
    pb.environment().put("OTEL_ENABLED", System.getProperty("iii.otel", "true"));
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    return new NodeWorker(pb.start());
  }

  /** The next event named {@code name} (earlier other events are skipped); fails after 30 s. */
  JsonNode await(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      JsonNode e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) {
        break;
      }
      if (e.path("event").asText().equals("failed")) {
        throw new AssertionError("scenario failed: " + e + "\n" + output());
      }
      if (e.path("event").asText().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no '" + name + "' event within 30 s; output:\n" + output());
  }

  /** Closes the scenario's stdin: long-lived scenarios then shut their worker down and exit. */
  void stop() throws IOException {
    process.getOutputStream().close();
  }

  /** Waits for the exit code (30 s). */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("node did not exit within 30 s; output:\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
