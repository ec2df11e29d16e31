package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.redis.testing.RedisServerProcess;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.RecordingSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Bad configuration, foreign data and refusing servers get clear errors and lose nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisBadInputTest {
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();

  private static StreamException thrown(Runnable call) {
    try {
      call.run();
    } catch (StreamException e) {
      return e;
    }
    throw new AssertionError("expected a StreamException");
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    RedisAdapter.Builder b = RedisAdapter.builder();
    assertThat(thrown(() -> b.url("http://127.0.0.1:6379")).getMessage())
        .contains("http://127.0.0.1:6379");
    assertThat(thrown(() -> b.url("redis://[bad")).code()).isEqualTo("invalid_argument");
    assertThat(thrown(() -> b.poolSize(0)).getMessage()).contains("poolSize").contains("0");
    assertThat(thrown(() -> b.timeout(Duration.ofMillis(-5))).getMessage()).contains("PT-0.005S");
    assertThat(thrown(() -> b.keyPrefix("a{b}")).getMessage()).contains("a{b}");
    assertThat(thrown(() -> b.keyPrefix("")).code()).isEqualTo("invalid_argument");
    assertThat(thrown(() -> b.nearCache(0)).getMessage()).contains("nearCache");
    assertThat(thrown(() -> b.history(-1, Duration.ofMinutes(1))).getMessage())
        .contains("history")
        .contains("-1");
    assertThat(thrown(() -> b.history(1_000_001, Duration.ofMinutes(1))).getMessage())
        .contains("1000001");
    assertThat(thrown(() -> b.history(10, Duration.ZERO)).getMessage()).contains("PT0S");
    assertThat(thrown(() -> b.history(10, Duration.ofDays(8))).getMessage()).contains("PT192H");
    assertThat(thrown(() -> b.cluster(List.of())).code()).isEqualTo("invalid_argument");
    assertThat(thrown(() -> b.cluster(List.of("no-port"))).getMessage()).contains("no-port");
    assertThat(thrown(b::build).getMessage()).contains("url(...) or cluster(...)");
  }

  @Test
  void unreachableServerFailsAtBuildTimeWithTheAddress() {
    int port = RedisServerProcess.freePort();
    long start = System.nanoTime();
    StreamException e =
        thrown(
            () ->
                RedisAdapter.builder()
                    .url("redis://127.0.0.1:" + port)
                    .timeout(Duration.ofMillis(500))
                    .build());
    assertThat(e.getMessage()).startsWith("Cannot connect to Redis at redis://127.0.0.1:" + port);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void authenticationIsCheckedAtBuildTime() {
    try (RedisServerProcess secured = RedisServerProcess.start("--requirepass", "s3cret")) {
      String base = "127.0.0.1:" + secured.port();
      assertThat(thrown(() -> RedisAdapter.builder().url("redis://" + base).build()).getMessage())
          .contains("Cannot connect to Redis")
          .contains("NOAUTH");
      StreamException wrong =
          thrown(() -> RedisAdapter.builder().url("redis://:nope@" + base).build());
      assertThat(wrong.getMessage()).contains("WRONGPASS").doesNotContain("nope");
      try (StorageAdapter ok = RedisAdapter.builder().url("redis://:s3cret@" + base).build()) {
        ok.set(new GroupKey("s", "g"), "i", IntNode.valueOf(1));
        assertThat(ok.get(new GroupKey("s", "g"), "i")).isEqualTo(IntNode.valueOf(1));
      }
    }
  }

  @Test
  void valueThatIsNotJsonIsAGetErrorNamingTheKeyAndOtherItemsStayReadable() {
    try (StreamEngine engine = redis.engine()) {
      engine.set("s", "g", "good", IntNode.valueOf(7));
      Keys keys = new Keys("rivulet");
      GroupKey g = new GroupKey("s", "g");
      try (Jedis jedis = redis.jedis()) {
        jedis.hset(keys.items(g), "bad", "{not json");
        jedis.zadd(keys.order(g), 99, "bad");
      }
      StreamException e = thrown(() -> engine.get("s", "g", "bad"));
      assertThat(e.code()).isEqualTo("STREAM_GET_ERROR");
      assertThat(e.getMessage()).contains(keys.items(g)).contains("'bad'");
      assertThat(engine.get("s", "g", "good")).isEqualTo(IntNode.valueOf(7));
      StreamException list = thrown(() -> engine.list("s", "g"));
      assertThat(list.code()).isEqualTo("STREAM_GET_GROUP_ERROR");
      assertThat(list.getMessage()).contains(keys.items(g));
      StreamException update =
          thrown(
              () ->
                  engine.invoke("stream::update", RedisFanOutTest.incrementInput("s", "g", "bad")));
      assertThat(update.code()).isEqualTo("STREAM_UPDATE_ERROR");
      // set replaces the foreign value; the group is readable again
      engine.set("s", "g", "bad", IntNode.valueOf(1));
      assertThat(engine.list("s", "g")).containsExactly(IntNode.valueOf(7), IntNode.valueOf(1));
    }
  }

  @Test
  void foreignKeysInTheSameDatabaseAreNeverListed() {
    try (Jedis jedis = redis.jedis()) {
      jedis.hset("stream:orders:g", "i", "1");
      jedis.set("rivulet:{x}:items", "junk");
      jedis.zadd("other:streams", 0, "ghost");
    }
    try (StorageAdapter adapter = redis.adapter()) {
      adapter.set(new GroupKey("mine", "g"), "i", IntNode.valueOf(1));
      assertThat(adapter.listAll()).containsOnlyKeys("mine");
      assertThat(adapter.listGroups("orders")).isEmpty();
    }
  }

  @Test
  void outOfMemoryReplyIsASetErrorWithTheRedisMessageAndNothingIsCommitted() {
    try (StorageAdapter adapter = redis.adapter();
        Jedis jedis = redis.jedis()) {
      GroupKey g = new GroupKey("s", "g");
      adapter.set(g, "i", IntNode.valueOf(1));
      jedis.configSet("maxmemory", "1");
      AtomicInteger told = new AtomicInteger();
      adapter.start(counting(told));
      try {
        assertThatThrownBy(() -> adapter.set(g, "i", IntNode.valueOf(2)))
            .isInstanceOf(StreamException.class)
            .hasMessageContaining("OOM")
            .extracting(e -> ((StreamException) e).code())
            .isEqualTo("STREAM_SET_ERROR");
        assertThatThrownBy(() -> adapter.update(g, "i", v -> IntNode.valueOf(3)))
            .hasMessageContaining("OOM");
        assertThat(adapter.get(g, "i")).isEqualTo(IntNode.valueOf(1));
        assertThat(adapter.list(g)).containsExactly(IntNode.valueOf(1));
      } finally {
        jedis.configSet("maxmemory", "0");
      }
      assertThat(told).hasValue(0);
      assertThat(adapter.snapshot(g).seq()).isEqualTo(1);
    }
  }

  @Test
  void readOnlyReplicaReplyIsASetErrorWithTheRedisMessage() {
    try (RedisServerProcess replica =
            RedisServerProcess.start(
                "--replicaof", "127.0.0.1", String.valueOf(redis.server().port()));
        StorageAdapter adapter = RedisAdapter.builder().url(replica.url()).build()) {
      AtomicInteger told = new AtomicInteger();
      adapter.start(counting(told));
      StreamException e =
          thrown(() -> adapter.set(new GroupKey("s", "g"), "i", IntNode.valueOf(1)));
      assertThat(e.code()).isEqualTo("STREAM_SET_ERROR");
      assertThat(e.getMessage()).contains("READONLY");
      assertThat(told).hasValue(0);
    }
  }

  /** A sink that counts the commits reported to it. */
  private static RecordingSink counting(AtomicInteger told) {
    RecordingSink sink = new RecordingSink();
    sink.onCommit = e -> told.incrementAndGet();
    return sink;
  }
}
