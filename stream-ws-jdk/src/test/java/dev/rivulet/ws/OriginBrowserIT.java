package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Obs 9 in a real headless Chromium: a page served by a second local HTTP server (another port, so
 * another origin) tries a {@code no-cors} {@code text/plain} POST, a JSON POST and a WebSocket join
 * against a Rivulet server with HTTP invoke on and no token. All are refused unless the server
 * allows that origin; the {@code text/plain} POST stays refused even then (415).
 */
class OriginBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path profile;
  private StreamEngine engine;
  private StreamWebSocketServer server;
  private PageServer pageServer;
  private int pagePort;
  private HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!HeadlessChromium.available()) {
      assertThat(ci).as("chromium and chromedriver must be installed in CI").isFalse();
      Assumptions.abort("chromium/chromedriver not installed (bash scripts/test.sh installs them)");
    }
    engine = StreamEngine.builder().build();
    // the page's origin must be known before the Rivulet server (which may allow it) starts
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      pagePort = probe.getLocalPort();
    }
    browser = new HeadlessChromium(profile);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (pageServer != null) {
      pageServer.close();
    }
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  private String pageOrigin() {
    return "http://127.0.0.1:" + pagePort;
  }

  private void startRivulet(String... allowedOrigins) {
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .httpInvoke(true)
            .allowedOrigins(allowedOrigins)
            .build()
            .start();
  }

  /**
   * Serves the attacking page from the page server and opens it; it records what happened in {@code
   * window.results} ({@code plain}, {@code json}, {@code ws}) once each attempt settled.
   */
  private JsonNode runPage() throws Exception {
    String target = "127.0.0.1:" + server.port();
    String html =
        """
        <!doctype html><meta charset="utf-8"><title>other origin</title>
        <script>
        const results = (window.results = {});
        const target = "%s";
        const item = (id) => JSON.stringify({stream_name: "s", group_id: "g", item_id: id, data: 1});
        fetch("http://" + target + "/invoke/stream::set", {method: "POST", mode: "no-cors",
            headers: {"Content-Type": "text/plain"}, body: item("plain")})
          .then(() => results.plain = "answered", () => results.plain = "failed");
        fetch("http://" + target + "/invoke/stream::set", {method: "POST",
            headers: {"Content-Type": "application/json"}, body: item("json")})
          .then((r) => results.json = "status " + r.status, () => results.json = "blocked");
        let opened = false;
        const ws = new WebSocket("ws://" + target + "/");
        ws.onopen = () => { opened = true; ws.send(JSON.stringify({type: "join",
            data: {subscriptionId: "x", streamName: "s", groupId: "g"}})); };
        ws.onmessage = (m) => { results.ws = "got " + JSON.parse(m.data).event.type; ws.close(); };
        ws.onclose = () => { if (!opened) results.ws = "refused"; };
        </script>
        """
            .formatted(target);
    pageServer = new PageServer(html, pagePort);
    browser.open(pageServer.origin() + "/");
    await("the page's three attempts settle")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              JsonNode r = results();
              return r.has("plain") && r.has("json") && r.has("ws");
            });
    return results();
  }

  private JsonNode results() throws Exception {
    return JdkClient.MAPPER.readTree(
        browser.script("return JSON.stringify(window.results || {});").asText());
  }

  @Test
  void aPageOfAnotherOriginCanNeitherWriteNorReadByDefault() throws Exception {
    startRivulet();
    JsonNode results = runPage();
    // the no-cors POST reached the server and was answered (opaquely): nothing written
    assertThat(results.path("plain").asText()).isEqualTo("answered");
    assertThat(engine.get("s", "g", "plain")).isNull();
    assertThat(results.path("json").asText()).isEqualTo("blocked"); // preflight got 403
    assertThat(engine.get("s", "g", "json")).isNull();
    assertThat(results.path("ws").asText()).isEqualTo("refused"); // upgrade got 403
  }

  @Test
  void anAllowedOriginMayInvokeWithJsonAndJoin() throws Exception {
    engine.set("s", "g", "seed", JdkClient.MAPPER.readTree("1"));
    startRivulet(pageOrigin());
    JsonNode results = runPage();
    assertThat(results.path("json").asText()).isEqualTo("status 200");
    assertThat(results.path("ws").asText()).isEqualTo("got sync");
    assertThat(engine.get("s", "g", "json")).isNotNull();
    // a text/plain body is never an invoke, whatever the origin (415)
    assertThat(results.path("plain").asText()).isEqualTo("answered");
    assertThat(engine.get("s", "g", "plain")).isNull();
  }
}
