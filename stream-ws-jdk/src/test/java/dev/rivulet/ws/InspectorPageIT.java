package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream inspector page in a real headless Chromium (issue 6 §3). */
class InspectorPageIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path profile;
  private StreamEngine engine;
  private StreamWebSocketServer server;
  private HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!HeadlessChromium.available()) {
      assertThat(ci).as("chromium and chromedriver must be installed in CI").isFalse();
      Assumptions.abort("chromium/chromedriver not installed (bash scripts/test.sh installs them)");
    }
    engine = StreamEngine.builder().build();
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .httpInvoke(true)
            .inspector(true)
            .build()
            .start();
    browser = new HeadlessChromium(profile);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  private static JsonNode json(String text) {
    try {
      return JdkClient.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** What {@code js} returns, an array, as strings. */
  private List<String> strings(String js) throws Exception {
    List<String> list = new ArrayList<>();
    browser.script(js).forEach(r -> list.add(r.asText()));
    return list;
  }

  /** Each shown row as "id=value text". */
  private List<String> rows() throws Exception {
    return strings(
        "return Array.from(document.querySelectorAll('#items tr[data-item-id]'))"
            + ".map(r => r.dataset.itemId + '=' + r.querySelector('td.item-value').textContent);");
  }

  private String text(String css) throws Exception {
    return browser
        .script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css)
        .asText();
  }

  @Test
  void pageShowsAGroupLiveAndEditsItThroughInvoke() throws Exception {
    engine.set("shop", "cart", "apple", json("{\"qty\":1}"));
    engine.set("shop", "other", "x", json("1"));
    browser.open("http://127.0.0.1:" + server.port() + "/?stream=shop&group=cart");

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> rows().equals(List.of("apple={\"qty\":1}")));
    await().atMost(WAIT).ignoreExceptions().until(() -> text("#streams").contains("other"));
    assertThat(text("#state")).isEqualTo("live");

    engine.set("shop", "cart", "pear", json("{\"qty\":2}"));
    engine.update("shop", "cart", "apple", List.of(dev.rivulet.UpdateOp.increment("qty", 4)));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> rows().equals(List.of("apple={\"qty\":5}", "pear={\"qty\":2}")));

    engine.send("shop", "cart", "checkout", json("{\"total\":12}"), null);
    await().atMost(WAIT).ignoreExceptions().until(() -> text("#events").contains("checkout"));
    // the live tail: every change and custom event after the sync, newest first, with its seq
    List<String> lines =
        strings(
            "return Array.from(document.querySelectorAll('#events li[data-seq]'))"
                + ".map(li => li.dataset.seq + ' ' + li.dataset.kind);");
    long seq = engine.snapshot("shop", "cart", null).seq();
    assertThat(lines).containsExactly(seq + " event", (seq - 1) + " update", (seq - 2) + " create");
    Files.createDirectories(SCREENSHOTS);
    browser.screenshot(SCREENSHOTS.resolve("inspector-live.png"));

    String deleteApple = browser.findAll("#items tr[data-item-id='apple'] button.delete").get(0);
    browser.click(deleteApple);
    await().atMost(WAIT).until(() -> engine.get("shop", "cart", "apple") == null);
    await().atMost(WAIT).ignoreExceptions().until(() -> rows().equals(List.of("pear={\"qty\":2}")));

    browser.type(browser.findAll("#edit-id").get(0), "plum");
    browser.type(browser.findAll("#edit-value").get(0), "{\"qty\":9}");
    browser.click(browser.findAll("#edit-set").get(0));
    await()
        .atMost(WAIT)
        .until(() -> json("{\"qty\":9}").equals(engine.get("shop", "cart", "plum")));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> rows().equals(List.of("pear={\"qty\":2}", "plum={\"qty\":9}")));
    browser.screenshot(SCREENSHOTS.resolve("inspector-edited.png"));
  }

  /** The shown presence rows as "subscription item". */
  private List<String> presenceRows() throws Exception {
    return strings(
        "return Array.from(document.querySelectorAll('#presence tr[data-subscription-id]'))"
            + ".map(r => r.dataset.subscriptionId + ' '"
            + " + r.querySelector('td.presence-item').textContent);");
  }

  @Test
  void presenceListShowsASecondSubscriberJoiningAndLeaving() throws Exception {
    engine.set("chat", "room", "msg-1", json("{\"text\":\"hi\"}"));
    browser.open("http://127.0.0.1:" + server.port() + "/?stream=chat&group=room");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> presenceRows().equals(List.of("inspector (whole group)")));
    assertThat(text("#presence-count")).isEqualTo("1 subscriber");

    try (JdkClient second = new JdkClient(server.port(), "/")) {
      second.join("second-tab", "chat", "room", "msg-1");
      second.next(); // its sync: it is listed from now on
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () -> presenceRows().equals(List.of("inspector (whole group)", "second-tab msg-1")));
      assertThat(text("#presence-count")).isEqualTo("2 subscribers");
      Files.createDirectories(SCREENSHOTS);
      browser.screenshot(SCREENSHOTS.resolve("inspector-presence.png"));
      second.leave("second-tab", "chat", "room", "msg-1");
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> presenceRows().equals(List.of("inspector (whole group)")));
    }
  }

  private String style(String css, String property) throws Exception {
    return browser
        .script(
            "return getComputedStyle(document.querySelector(arguments[0])).getPropertyValue(arguments[1]);",
            css,
            property)
        .asText();
  }

  @Test
  void withoutHttpInvokeTheEditorStaysHiddenAndAnIdlePageIsNotAlarming() throws Exception {
    server.close();
    server = StreamWebSocketServer.builder(engine).port(0).inspector(true).build().start();
    browser.open("http://127.0.0.1:" + server.port() + "/");
    await().atMost(WAIT).ignoreExceptions().until(() -> text("#streams").contains("--http-invoke"));
    assertThat(text("#state")).isEqualTo("no group open");
    String alarm = style("#state", "color");
    assertThat(alarm).isNotEqualTo("rgb(179, 38, 30)");

    engine.set("s", "g", "a", json("1"));
    browser.open("http://127.0.0.1:" + server.port() + "/?stream=s&group=g");
    await().atMost(WAIT).ignoreExceptions().until(() -> rows().equals(List.of("a=1")));
    assertThat(style("#editor", "display")).isEqualTo("none");
    assertThat(browser.script("return document.querySelectorAll('#items button').length;").asInt())
        .isZero();
    Files.createDirectories(SCREENSHOTS);
    browser.screenshot(SCREENSHOTS.resolve("inspector-read-only.png"));
  }

  @Test
  void pageReconnectsAfterTheServerComesBack() throws Exception {
    engine.set("s", "g", "a", json("1"));
    int port = server.port();
    browser.open("http://127.0.0.1:" + port + "/?stream=s&group=g");
    await().atMost(WAIT).ignoreExceptions().until(() -> rows().equals(List.of("a=1")));
    server.close();
    await().atMost(WAIT).ignoreExceptions().until(() -> !text("#state").equals("live"));
    engine.set("s", "g", "b", json("2"));
    server =
        StreamWebSocketServer.builder(engine)
            .port(port)
            .httpInvoke(true)
            .inspector(true)
            .build()
            .start();
    await().atMost(WAIT).ignoreExceptions().until(() -> rows().equals(List.of("a=1", "b=2")));
    assertThat(text("#state")).isEqualTo("live");
  }
}
