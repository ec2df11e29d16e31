package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.Subscription;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.GroupKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The near-cache serves items of subscribed groups and follows every write of every instance;
 * writes that bypass Rivulet (raw HSET) are how the tests see whether a read hit the cache.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // subscriptions are held open by try-with-resources
class RedisNearCacheTest {
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();
  private final Keys keys = new Keys("rivulet");
  private StreamEngine cached;
  private StreamEngine other;

  @BeforeEach
  void engines() {
    cached = redis.engine(builder -> builder.nearCache(100));
    other = redis.engine();
  }

  private void rawWrite(String group, String item, String json) {
    try (Jedis jedis = redis.jedis()) {
      jedis.hset(keys.items(new GroupKey("s", group)), item, json);
    }
  }

  @Test
  void subscribedGroupIsServedFromTheCacheAndFollowsOtherInstancesWrites() throws Exception {
    other.set("s", "g", "x", IntNode.valueOf(1));
    Recorder seen = new Recorder();
    try (Subscription sub = cached.subscribe("s", "g", null, seen)) {
      assertThat(seen.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cached.get("s", "g", "x")).isEqualTo(IntNode.valueOf(1));
      rawWrite("g", "x", "99"); // no event: a cached read does not see it
      assertThat(cached.get("s", "g", "x")).isEqualTo(IntNode.valueOf(1));
      other.set("s", "g", "x", IntNode.valueOf(2));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> IntNode.valueOf(2).equals(cached.get("s", "g", "x")));
      other.delete("s", "g", "x");
      await().atMost(Duration.ofSeconds(10)).until(() -> cached.get("s", "g", "x") == null);
      cached.set("s", "g", "y", IntNode.valueOf(3));
      assertThat(cached.get("s", "g", "y")).isEqualTo(IntNode.valueOf(3)); // read your writes
    }
    // unsubscribed: the cache is dropped and reads go to Redis
    rawWrite("g", "y", "4");
    assertThat(cached.get("s", "g", "y")).isEqualTo(IntNode.valueOf(4));
  }

  @Test
  void groupsWithoutSubscribersAreNeverCached() {
    other.set("s", "free", "x", IntNode.valueOf(1));
    assertThat(cached.get("s", "free", "x")).isEqualTo(IntNode.valueOf(1));
    rawWrite("free", "x", "5");
    assertThat(cached.get("s", "free", "x")).isEqualTo(IntNode.valueOf(5));
  }

  @Test
  void lostPubSubConnectionDropsTheGroupsEntries() throws Exception {
    other.set("s", "g", "x", IntNode.valueOf(1));
    Recorder seen = new Recorder();
    try (Subscription sub = cached.subscribe("s", "g", null, seen)) {
      assertThat(seen.firstSnapshot.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cached.get("s", "g", "x")).isEqualTo(IntNode.valueOf(1));
      rawWrite("g", "x", "7");
      try (Jedis admin = redis.jedis()) {
        admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
      }
      await().atMost(Duration.ofSeconds(10)).until(seen::recovered);
      // reconnected and re-subscribed: the group is cacheable again, but the old entry is gone
      assertThat(cached.get("s", "g", "x")).isEqualTo(IntNode.valueOf(7));
    }
  }
}
