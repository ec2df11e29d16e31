package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.Subscription;
import dev.rivulet.Trigger;
import dev.rivulet.TriggerType;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.GroupKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** Two engines on one real Redis behave like one: events, order, atomic updates, triggers. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // subscriptions are held open by try-with-resources
class RedisFanOutTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();
  private StreamEngine a;
  private StreamEngine b;

  @BeforeEach
  void engines() {
    a = redis.engine();
    b = redis.engine();
  }

  static JsonNode item(String id, int n) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", id);
    node.put("n", n);
    return node;
  }

  static JsonNode incrementInput(String stream, String group, String item) {
    ObjectNode input = MAPPER.createObjectNode();
    input.put("stream_name", stream);
    input.put("group_id", group);
    input.put("item_id", item);
    ObjectNode op = input.putArray("ops").addObject();
    op.put("type", "increment");
    op.put("path", "n");
    op.put("by", 1);
    return input;
  }

  @Test
  void subscriberOnOtherInstanceSeesEveryWriteInSeqOrder() throws Exception {
    Recorder seen = new Recorder();
    try (Subscription sub = b.subscribe("s", "g", null, seen)) {
      assertThat(seen.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 150; i++) {
        String id = "i" + (i % 7);
        switch (i % 5) {
          case 0, 1 -> a.set("s", "g", id, item(id, i));
          case 2 -> a.invoke("stream::update", incrementInput("s", "g", id));
          case 3 -> a.delete("s", "g", id);
          default -> a.send("s", "g", "ping", IntNode.valueOf(i), null);
        }
      }
      long last = a.snapshot("s", "g", null).seq();
      await().atMost(Duration.ofSeconds(20)).until(() -> seen.lastSeq == last);
      assertThat(seen.seqs()).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
      assertThat(seen.resynced()).isFalse();
      assertThat(seen.view().values()).containsExactlyElementsOf(a.list("s", "g"));
      assertThat(seen.events).filteredOn(e -> e.kind() == StreamEvent.Kind.EVENT).hasSize(30);
    }
  }

  @Test
  void incrementsFromTwoInstancesAndSixteenThreadsEndExact() throws Exception {
    int perThread = 40;
    RedisCrossInstanceOrderTest.hammer(
        16,
        perThread,
        (t, i) ->
            (t % 2 == 0 ? a : b).invoke("stream::update", incrementInput("s", "counter", "c")));
    assertThat(b.get("s", "counter", "c").get("n").asLong()).isEqualTo(16L * perThread);
    assertThat(a.snapshot("s", "counter", null).seq()).isEqualTo(16L * perThread);
  }

  @Test
  void groupsWithSeparatorCharactersGetOnlyTheirOwnEvents() throws Exception {
    Recorder colon = new Recorder();
    Recorder other = new Recorder();
    try (Subscription s1 = b.subscribe("a:b", "c", null, colon);
        Subscription s2 = b.subscribe("a", "b:c", null, other)) {
      assertThat(colon.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(other.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      a.set("a", "b:c", "x", item("x", 1));
      a.set("{a}", "*", "x", item("x", 2));
      a.set("a:b", "c", "x", item("x", 3));
      await().atMost(Duration.ofSeconds(10)).until(() -> colon.lastSeq == 1 && other.lastSeq == 1);
      assertThat(colon.view()).containsExactly(Map.entry("x", item("x", 3)));
      assertThat(other.view()).containsExactly(Map.entry("x", item("x", 1)));
    }
  }

  @Test
  void channelIsSubscribedOnlyWhileTheInstanceHasSubscribers() throws Exception {
    Keys keys = new Keys("rivulet");
    String channel = keys.channel(new GroupKey("s", "g"));
    assertThat(numSub(channel)).isZero();
    Recorder one = new Recorder();
    Recorder two = new Recorder();
    Subscription s1 = b.subscribe("s", "g", null, one);
    Subscription s2 = b.subscribe("s", "g", null, two);
    assertThat(numSub(channel)).isEqualTo(1); // confirmed before subscribe returned
    s1.close();
    assertThat(numSub(channel)).isEqualTo(1);
    s2.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> numSub(channel) == 0);
  }

  private static long numSub(String channel) {
    try (Jedis jedis = redis.jedis()) {
      List<?> reply = (List<?>) jedis.sendCommand(Protocol.Command.PUBSUB, "SHARDNUMSUB", channel);
      return (Long) reply.get(1);
    }
  }

  @Test
  void triggersFireOnceOnTheWritingInstance() throws Exception {
    Map<String, AtomicInteger> fired = new ConcurrentHashMap<>();
    CountDownLatch onA = new CountDownLatch(3);
    a.triggers()
        .register(
            Trigger.toHandler(
                "ta",
                TriggerType.STREAM,
                Trigger.streamConfig("s"),
                in -> {
                  fired.computeIfAbsent("a", k -> new AtomicInteger()).incrementAndGet();
                  onA.countDown();
                  return null;
                }));
    b.triggers()
        .register(
            Trigger.toHandler(
                "tb",
                TriggerType.STREAM,
                Trigger.streamConfig("s"),
                in -> {
                  fired.computeIfAbsent("b", k -> new AtomicInteger()).incrementAndGet();
                  return null;
                }));
    Recorder seen = new Recorder();
    try (Subscription sub = b.subscribe("s", "g", null, seen)) {
      assertThat(seen.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      a.set("s", "g", "x", item("x", 1));
      a.set("s", "g", "x", item("x", 2));
      a.delete("s", "g", "x");
      assertThat(onA.await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.lastSeq == 3);
    }
    assertThat(fired.get("a").get()).isEqualTo(3);
    assertThat(fired).doesNotContainKey("b");
  }

  @Test
  void slowLocalConsumerDoesNotGetThePubSubConnectionKilled() throws Exception {
    try (Jedis jedis = redis.jedis()) {
      jedis.configSet("client-output-buffer-limit", "pubsub 262144 131072 1");
    }
    try {
      Recorder slow = new Recorder();
      slow.gate = new CountDownLatch(1);
      try (Subscription sub = b.subscribe("s", "g", null, slow)) {
        assertThat(slow.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
        String pad = "x".repeat(4000);
        for (int i = 0; i < 400; i++) { // ~1.6 MB of events, 6x the hard limit
          ObjectNode value = (ObjectNode) item("i" + (i % 10), i);
          value.put("pad", pad);
          a.set("s", "g", "i" + (i % 10), value);
        }
        slow.gate.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> slow.lastSeq == 400);
        assertThat(slow.seqs()).isEqualTo(LongStream.rangeClosed(1, 400).boxed().toList());
        assertThat(slow.resynced()).isFalse();
      }
    } finally {
      try (Jedis jedis = redis.jedis()) {
        jedis.configSet("client-output-buffer-limit", "pubsub 33554432 8388608 60");
      }
    }
  }
}
