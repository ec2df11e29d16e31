package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Redis dies, restarts, hangs or drops connections while two engines use it: calls fail quickly
 * with STREAM_*_ERROR, then recover, and subscribers end with the stored state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisFailureIT {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  @RegisterExtension final RedisExtension redis = RedisExtension.perTest();
  private RedisServerProcess server;
  private StreamEngine a;
  private StreamEngine b;
  private Recorder seen;

  @BeforeEach
  void start() throws Exception {
    server = redis.server();
    a = engine();
    b = engine();
    seen = new Recorder();
    redis.closeAfterTest(b.subscribe("s", "g", null, seen));
    assertThat(seen.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= 5; i++) {
      a.set("s", "g", "i" + i, RedisFanOutTest.item("i" + i, i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.lastSeq == 5);
  }

  private StreamEngine engine() {
    return redis.engine(builder -> builder.timeout(TIMEOUT));
  }

  private static void assertFailsQuickly(String code, Runnable call) {
    long start = System.nanoTime();
    try {
      call.run();
      throw new AssertionError("expected " + code);
    } catch (StreamException e) {
      assertThat(e.code()).isEqualTo(code);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  private void writeAfterRecovery() {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> a.set("s", "g", "after", RedisFanOutTest.item("after", 1)) != null);
    a.set("s", "g", "i2", RedisFanOutTest.item("i2", 22));
    a.delete("s", "g", "i3");
  }

  private void assertSubscriberConverges() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Map<String, JsonNode> stored = a.snapshot("s", "g", null).items();
              assertThat(seen.view()).isEqualTo(stored);
            });
  }

  @Test
  void restartAfterShutdownNoSave() {
    server.shutdownNoSave();
    assertFailsQuickly(
        "STREAM_SET_ERROR", () -> a.set("s", "g", "x", RedisFanOutTest.item("x", 0)));
    assertFailsQuickly("STREAM_GET_ERROR", () -> a.get("s", "g", "i1"));
    assertFailsQuickly("STREAM_GET_GROUP_ERROR", () -> a.list("s", "g"));
    assertFailsQuickly(
        "STREAM_UPDATE_ERROR",
        () -> a.invoke("stream::update", RedisFanOutTest.incrementInput("s", "g", "i1")));
    assertFailsQuickly("STREAM_LIST_ALL_ERROR", a::listAll);
    server.launch();
    writeAfterRecovery();
    assertSubscriberConverges();
    assertThat(seen.recovered()).isTrue();
  }

  @Test
  void clientKillOfEveryConnection() {
    try (Jedis admin = server.jedis()) {
      admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
      admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
    }
    try {
      a.set("s", "g", "i4", RedisFanOutTest.item("i4", 44)); // may land while B reconnects
    } catch (StreamException e) {
      assertThat(e.code()).isEqualTo("STREAM_SET_ERROR"); // a pooled connection was killed
    }
    writeAfterRecovery();
    assertSubscriberConverges();
    assertThat(seen.recovered()).isTrue();
  }

  @Test
  void hungServerStoppedAndContinued() {
    server.signal("STOP");
    try {
      assertFailsQuickly(
          "STREAM_SET_ERROR", () -> a.set("s", "g", "x", RedisFanOutTest.item("x", 0)));
      assertFailsQuickly("STREAM_GET_ERROR", () -> a.get("s", "g", "i1"));
    } finally {
      server.signal("CONT");
    }
    writeAfterRecovery();
    assertSubscriberConverges();
  }
}
