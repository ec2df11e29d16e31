package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server in a child process under {@code ulimit -n 256} (SPEC §9 "Connection
 * limit"): its effective limit is 256 - 64 = 192; clients beyond get 503; once the descriptors run
 * out accept backs off instead of spinning; after the clients leave a new one is served.
 */
class FdExhaustionIT {
  static final int FD_LIMIT = 256;
  static final int LIMIT = ConnectionLimit.effective(100_000, FD_LIMIT);

  @TempDir Path dir;

  @Test
  void atTheFdLimitClientsGet503TheAcceptLoopDoesNotSpinAndServiceResumes() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            "ulimit -n " + FD_LIMIT + "; exec \"$0\" -Xmx128m -jar \"$1\" --port 0 --store memory",
            java.toString(),
            StreamServerIT.JAR.toString());
    pb.environment().remove("STREAM_PORT");
    pb.environment().remove("REDIS_URL");
    pb.environment().remove("STREAM_AUTH_TOKEN");
    pb.redirectError(dir.resolve("stderr.txt").toFile());
    Process p = pb.start();
    List<RawClient> clients = new ArrayList<>();
    try {
      int port = awaitListening(p);
      for (int i = 0; i < LIMIT; i++) {
        clients.add(new RawClient(port));
      }
      for (int i = 0; i < 10; i++) { // beyond the limit: 503 at once, not a hang
        try (RawClient extra = new RawClient(port)) {
          extra.socket.setSoTimeout(5_000);
          assertThat(extra.readResponse()).startsWith("HTTP/1.1 503");
        }
      }
      // now hold refused sockets open until the child runs out of descriptors
      for (int i = 0; i < FD_LIMIT - LIMIT + 20; i++) {
        clients.add(new RawClient(port));
      }
      long before = cpuTicks(p.pid());
      long t0 = System.nanoTime();
      await()
          .pollDelay(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> System.nanoTime() - t0 >= 1_000_000_000L);
      long used = cpuTicks(p.pid()) - before;
      long elapsedTicks = (System.nanoTime() - t0) / 10_000_000L; // 100 ticks per second
      assertThat(used).as("CPU ticks used at the limit").isLessThan(elapsedTicks / 4 + 5);
      assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("accept failed");
      for (RawClient c : clients) {
        c.close();
      }
      clients.clear();
      try (RawClient after = new RawClient(port)) {
        after.socket.setSoTimeout(10_000);
        after.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(after.readResponse()).startsWith("HTTP/1.1 200");
      }
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static int awaitListening(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).isNotNull().matches(StreamServerIT.LISTENING);
    Matcher m = StreamServerIT.LISTENING.matcher(line);
    assertThat(m.matches()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** utime + stime of a process in clock ticks, from /proc/PID/stat. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
