package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Starts {@code target/rivulet-server.jar} as a process (runs in {@code verify}, after package).
 */
class StreamServerIT {
  static final Path JAR = Path.of("target", "rivulet-server.jar");
  static final Pattern LISTENING =
      Pattern.compile("rivulet listening on ws://127\\.0\\.0\\.1:(\\d+)/");

  static Process start(String... flags) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    cmd.addAll(List.of(flags));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("STREAM_PORT");
    pb.environment().remove("REDIS_URL");
    pb.environment().remove("STREAM_AUTH_TOKEN");
    return pb.start();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int awaitListening(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).isNotNull().matches(LISTENING);
    Matcher m = LISTENING.matcher(line);
    assertThat(m.matches()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void printsTheListeningLineServesAndExitsZeroOnSigterm() throws Exception {
    Process p = start("--port", "0", "--echo", "--http-invoke");
    try {
      int port = awaitListening(p);
      try (JdkClient c = new JdkClient(port, "/")) {
        c.join("s", "orders", "g", null);
        assertThat(c.next().path("event").path("type").asText()).isEqualTo("sync");
        try (RawClient echo = RawClient.connect(port, "/echo")) {
          echo.sendText("hi");
          assertThat(echo.readUntil(0x1).text()).isEqualTo("hi");
        }
        try (RawClient page = new RawClient(port)) {
          page.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(page.readResponse()).startsWith("HTTP/1.1 200").contains("<html");
        }
        p.destroy(); // SIGTERM
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
      }
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void unknownFlagExitsTwoWithOneLineError() throws Exception {
    for (String[] bad :
        new String[][] {
          {"--bogus"},
          {"--port", "70000"},
          {"--port"},
          {"--store", "disk"},
          {"--fsync", "sometimes"}
        }) {
      Process p = start(bad);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(String.join(" ", bad)).isEqualTo(2);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(err.strip().lines().count()).isEqualTo(1);
      assertThat(p.getInputStream().readAllBytes()).isEmpty();
    }
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    Process p = start("--help");
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("--store memory|file")
        .contains("--auth-token");
  }

  @Test
  void authTokenFlagRequiresTheToken() throws Exception {
    Process p = start("--port", "0", "--auth-token", "t0k");
    try {
      int port = awaitListening(p);
      try (RawClient raw = new RawClient(port)) {
        raw.sendRaw(StreamProtocolTest.upgrade("/", ""));
        assertThat(raw.readHead()).startsWith("HTTP/1.1 401");
      }
      try (RawClient raw = new RawClient(port)) {
        raw.sendRaw(StreamProtocolTest.upgrade("/?token=t0k", ""));
        assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
      }
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void fileStoreKeepsDataAcrossARestartAfterSigterm() throws Exception {
    assumeTrue(kvAdapterPresent(), "stream-adapter-kv is not installed yet");
    Path dir = Files.createTempDirectory("rivulet-it");
    Process p =
        start("--port", "0", "--store", "file", "--data-dir", dir.toString(), "--http-invoke");
    try {
      int port = awaitListening(p);
      String set =
          "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":{\"kept\":true}}";
      assertThat(invoke(port, "stream::set", set)).startsWith("HTTP/1.1 200");
      p.destroy();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    Process again =
        start("--port", "0", "--store", "file", "--data-dir", dir.toString(), "--http-invoke");
    try {
      int port = awaitListening(again);
      assertThat(
              invoke(
                  port,
                  "stream::get",
                  "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\"}"))
          .endsWith("{\"kept\":true}");
    } finally {
      again.destroy();
      again.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void allowedOriginFlagLetsThatOriginInAndKeepsOthersOut() throws Exception {
    Process p = start("--port", "0", "--http-invoke", "--allowed-origin", "http://app.example");
    try {
      int port = awaitListening(p);
      String list = "{\"stream_name\":\"s\"}";
      assertThat(invoke(port, "stream::list_groups", list, "http://app.example"))
          .startsWith("HTTP/1.1 200")
          .contains("Access-Control-Allow-Origin: http://app.example");
      assertThat(invoke(port, "stream::list_groups", list, "http://evil.example"))
          .startsWith("HTTP/1.1 403")
          .contains("forbidden_origin");
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static boolean kvAdapterPresent() {
    try {
      Class.forName("dev.rivulet.kv.KvAdapter");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static String invoke(int port, String fn, String body) throws IOException {
    return invoke(port, fn, body, null);
  }

  private static String invoke(int port, String fn, String body, String origin) throws IOException {
    try (RawClient c = new RawClient(port)) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      c.sendRaw(
          "POST /invoke/"
              + fn
              + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + (origin == null ? "" : "Origin: " + origin + "\r\n")
              + "Content-Length: "
              + bytes.length
              + "\r\n\r\n"
              + body);
      return c.readResponse();
    }
  }
}
