package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A real headless Debian Chromium driven through chromedriver's W3C WebDriver HTTP API (no Selenium
 * needed): start, navigate, query the DOM, click, take screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Process driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String session;

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
  }

  HeadlessChromium(Path profileDir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    driver =
        new ProcessBuilder(DRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(profileDir.resolve("chromedriver.log").toFile())
            .start();
    base = "http://127.0.0.1:" + port;
    waitForDriver();
    ObjectNode caps = MAPPER.createObjectNode();
    ObjectNode options =
        caps.putObject("capabilities")
            .putObject("alwaysMatch")
            .put("browserName", "chrome")
            .putObject("goog:chromeOptions");
    options.put("binary", CHROMIUM.toString());
    var args = options.putArray("args");
    for (String arg :
        List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--user-data-dir=" + profileDir.resolve("profile"))) {
      args.add(arg);
    }
    session = call("POST", "/session", caps).path("sessionId").asText();
    if (session.isEmpty()) {
      throw new IOException("chromedriver did not start a session");
    }
  }

  private void waitForDriver() {
    org.awaitility.Awaitility.await("chromedriver ready")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> call("GET", "/status", null).path("ready").asBoolean());
  }

  private JsonNode call(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (body == null && method.equals("GET")) {
      request.GET();
    } else if (method.equals("DELETE")) {
      request.DELETE();
    } else {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString()));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = MAPPER.readTree(response.body());
    if (response.statusCode() >= 400) {
      throw new IOException("WebDriver " + method + " " + path + ": " + json.path("value"));
    }
    return json.has("value") && path.equals("/session") ? json.get("value") : json.path("value");
  }

  private String sessionPath(String rest) {
    return "/session/" + session + rest;
  }

  void open(String url) throws IOException, InterruptedException {
    call("POST", sessionPath("/url"), MAPPER.createObjectNode().put("url", url));
  }

  /** Runs JavaScript in the page and returns its result. */
  JsonNode script(String js, Object... args) throws IOException, InterruptedException {
    ObjectNode body = MAPPER.createObjectNode().put("script", js);
    var array = body.putArray("args");
    for (Object arg : args) {
      array.addPOJO(arg);
    }
    return call("POST", sessionPath("/execute/sync"), body);
  }

  /** Element ids matching a CSS selector. */
  List<String> findAll(String css) throws IOException, InterruptedException {
    JsonNode found =
        call(
            "POST",
            sessionPath("/elements"),
            MAPPER.createObjectNode().put("using", "css selector").put("value", css));
    List<String> ids = new ArrayList<>();
    found.forEach(e -> ids.add(e.path(ELEMENT).asText()));
    return ids;
  }

  void click(String elementId) throws IOException, InterruptedException {
    call("POST", sessionPath("/element/" + elementId + "/click"), MAPPER.createObjectNode());
  }

  void type(String elementId, String text) throws IOException, InterruptedException {
    call(
        "POST",
        sessionPath("/element/" + elementId + "/value"),
        MAPPER.createObjectNode().put("text", text));
  }

  void clear(String elementId) throws IOException, InterruptedException {
    call("POST", sessionPath("/element/" + elementId + "/clear"), MAPPER.createObjectNode());
  }

  /** Saves a PNG screenshot of the page. */
  void screenshot(Path file) throws IOException, InterruptedException {
    String base64 = call("GET", sessionPath("/screenshot"), null).asText();
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(base64));
  }

  @Override
  public void close() {
    try {
      call("DELETE", sessionPath(""), null);
    } catch (IOException | InterruptedException e) {
      // the driver is killed below anyway
    } finally {
      driver.destroyForcibly();
    }
  }
}
