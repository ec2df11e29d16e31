package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rivulet.JoinRequest;
import dev.rivulet.Presence;
import dev.rivulet.StreamEngine;
import dev.rivulet.redis.testing.RedisExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence across instances on one real Redis (SPEC §11 "Presence"): each instance sees the other's
 * subscribers, a leave or a clean close removes them everywhere, a killed instance's entries expire
 * after the presence TTL while the live ones stay, and entries Redis lost come back with the next
 * refresh.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisPresenceTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TTL = Duration.ofMillis(1500);
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();

  private static StreamEngine engine() {
    return redis.engine(b -> b.presenceTtl(TTL));
  }

  private static JoinRequest join(String sub, String group, String item, JsonNode context) {
    return new JoinRequest(sub, "chat", group, item, context);
  }

  private static List<String> subscribers(StreamEngine engine, String group) {
    return engine.stream("chat").group(group).presence().stream()
        .map(Presence::subscriptionId)
        .toList();
  }

  @Test
  void twoInstancesSeeEachOthersSubscribersUntilTheyLeave() {
    StreamEngine a = redis.engine();
    StreamEngine b = redis.engine();
    JsonNode context = MAPPER.createObjectNode().put("user", "ada").put("big", 12345678901234567L);
    Presence.Registration ada = a.present(join("ada", "room", null, context));
    Presence.Registration bob = b.present(join("bob", "room", "msg-1", null));
    b.present(join("other", "lobby", null, null));

    for (StreamEngine e : List.of(a, b)) {
      List<Presence> room = e.stream("chat").group("room").presence();
      assertThat(room).extracting(Presence::subscriptionId).containsExactly("ada", "bob");
      assertThat(room.get(0).context()).isEqualTo(context);
      assertThat(room.get(0).itemId()).isNull();
      assertThat(room.get(1).itemId()).isEqualTo("msg-1");
      assertThat(room.get(1).context()).isNull();
      assertThat(room.get(0).joinedAt()).isLessThanOrEqualTo(room.get(1).joinedAt());
      JsonNode wire =
          e.invoke(
              "stream::presence",
              MAPPER.createObjectNode().put("stream_name", "chat").put("group_id", "room"));
      assertThat(wire.get(0)).isEqualTo(room.get(0).toJson());
      assertThat(wire.get(1).get("id").asText()).isEqualTo("msg-1");
    }
    bob.close();
    assertThat(subscribers(a, "room")).containsExactly("ada");
    ada.close();
    assertThat(subscribers(b, "room")).isEmpty();
    assertThat(subscribers(a, "lobby")).containsExactly("other");
    b.close(); // a clean close removes its entries at once
    assertThat(subscribers(a, "lobby")).isEmpty();
  }

  @Test
  void namesThatLookAlikeKeepSeparatePresence() {
    StreamEngine a = redis.engine();
    a.present(join("x", "a:b", null, null));
    a.present(join("y", "a", null, null));
    a.present(join("z", "{a}", null, null));
    assertThat(subscribers(a, "a:b")).containsExactly("x");
    assertThat(subscribers(a, "a")).containsExactly("y");
    assertThat(subscribers(a, "{a}")).containsExactly("z");
  }

  @Test
  void aKilledInstanceDropsOutWithinTheTtlWhileLiveEntriesStay() throws Exception {
    StreamEngine survivor = engine();
    survivor.present(join("survivor", "room", null, null));
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                PresenceChild.class.getName(),
                redis.url(),
                String.valueOf(TTL.toMillis()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS))
          .isEqualTo("present");
      assertThat(subscribers(survivor, "room")).containsExactlyInAnyOrder("survivor", "child-sub");
      // the child refreshes its entry: it outlives the TTL while the child runs
      await()
          .during(TTL.multipliedBy(2))
          .atMost(TTL.multipliedBy(4))
          .until(() -> subscribers(survivor, "room").contains("child-sub"));
    } finally {
      child.toHandle().destroyForcibly(); // SIGKILL: no leave, no close
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long killed = System.nanoTime();
    await()
        .atMost(TTL.multipliedBy(3))
        .until(() -> subscribers(survivor, "room").equals(List.of("survivor")));
    assertThat(Duration.ofNanos(System.nanoTime() - killed))
        .isLessThanOrEqualTo(TTL.plusSeconds(2));
    try (var jedis = redis.jedis()) { // the reader removed the expired entry from Redis too
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> jedis.keys("*presence").stream().mapToLong(jedis::hlen).sum() == 1);
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void entriesRedisLostComeBackWithTheNextRefresh() {
    StreamEngine a = engine();
    StreamEngine b = engine();
    a.present(join("a1", "room", null, null));
    b.present(join("b1", "room", "i", null));
    redis.flushAll();
    assertThat(subscribers(a, "room")).isEmpty();
    await()
        .atMost(TTL.multipliedBy(3))
        .until(() -> subscribers(b, "room").equals(List.of("a1", "b1")));
  }
}
