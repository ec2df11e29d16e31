package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.StorageAdapter;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** A hot update is one compare-and-set round trip; a stale remembered value never leaks out. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisUpdateRoundTripTest {
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();

  private static final GroupKey G = new GroupKey("s", "g");
  private static final ItemUpdater PLUS_ONE = current -> IntNode.valueOf(current.asInt() + 1);

  private static long calls(Jedis jedis, String command) {
    Matcher m =
        Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(jedis.info("commandstats"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void afterTheFirstUpdateOfAnItemUpdatesSendOnlyTheCompareAndSet() {
    StorageAdapter a = redis.adapter();
    a.set(G, "x", IntNode.valueOf(0));
    a.update(G, "x", PLUS_ONE); // reads the value (set alone does not remember items)
    a.set(G, "x", IntNode.valueOf(0)); // refreshes the remembered text
    try (Jedis jedis = redis.jedis()) {
      jedis.configResetStat();
      for (int i = 0; i < 10; i++) {
        a.update(G, "x", PLUS_ONE);
      }
      assertThat(calls(jedis, "hget")).isEqualTo(10); // only inside the 10 scripts
      assertThat(calls(jedis, "evalsha")).isEqualTo(10);
    }
    assertThat(a.get(G, "x").asInt()).isEqualTo(10);
  }

  @Test
  void aValueChangedByAnotherInstanceIsUpdatedFromItsCurrentState() {
    StorageAdapter a = redis.adapter();
    StorageAdapter b = redis.adapter();
    a.set(G, "y", IntNode.valueOf(1));
    a.update(G, "y", PLUS_ONE); // a remembers 2
    b.set(G, "y", IntNode.valueOf(100));
    JsonNode[] seen = new JsonNode[1];
    JsonNode result =
        a.update(
                G,
                "y",
                current -> {
                  seen[0] = current;
                  return IntNode.valueOf(current.asInt() + 1);
                })
            .newValue();
    assertThat(result.asInt()).isEqualTo(101);
    assertThat(seen[0].asInt()).isEqualTo(100); // the last attempt ran on the current value
    b.delete(G, "y");
    assertThat(
            a.update(G, "y", current -> IntNode.valueOf(current == null ? -1 : 7))
                .newValue()
                .asInt())
        .isEqualTo(-1);
  }
}
