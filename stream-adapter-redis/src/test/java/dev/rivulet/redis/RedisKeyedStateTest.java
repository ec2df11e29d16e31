package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.Item;
import dev.rivulet.SetResult;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.StreamException.Outcome;
import dev.rivulet.UpdateOp;
import dev.rivulet.UpdateResult;
import dev.rivulet.WriteOptions;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keyed state across instances (SPEC §11): two engines on one real Redis see the same versions,
 * share idempotency keys, and a write whose outcome was unknown (Redis paused with SIGSTOP) is
 * retried with its key to exactly one write.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisKeyedStateTest {
  @RegisterExtension final RedisExtension redis = RedisExtension.perTest();

  @AfterEach
  void resume() {
    redis.server().signal("CONT");
  }

  private static Item item(StreamEngine engine) {
    return engine.stream("s").group("g").item("o-1");
  }

  @Test
  void versionsAreTheSameOnEveryInstanceAndConditionsHoldAcrossThem() {
    StreamEngine a = redis.engine();
    StreamEngine b = redis.engine();
    SetResult created = item(a).set(1, WriteOptions.ifVersion(0));
    UpdateResult updated =
        item(b).update(WriteOptions.ifVersion(created.version()), UpdateOp.increment("", 1));
    assertThat(updated.version()).isEqualTo(created.version() + 1);
    assertThatThrownBy(() -> item(a).set(5, WriteOptions.ifVersion(created.version())))
        .isInstanceOf(StreamException.class)
        .hasMessage("item o-1 is at version " + updated.version() + ", not " + created.version());
    assertThat(item(a).delete(WriteOptions.ifVersion(updated.version())).version())
        .isEqualTo(updated.version() + 1);
    assertThat(a.snapshot("s", "g", null).seq()).isEqualTo(updated.version() + 1);
  }

  @Test
  void aKeyUsedOnOneInstanceIsRepeatedOnTheOther() {
    StreamEngine a = redis.engine();
    StreamEngine b = redis.engine();
    SetResult first = item(a).set(1, WriteOptions.idempotencyKey("req-1"));
    SetResult again = item(b).set(2, WriteOptions.idempotencyKey("req-1"));
    assertThat(again).isEqualTo(first);
    assertThat(item(b).get()).isEqualTo(IntNode.valueOf(1));
    assertThat(b.snapshot("s", "g", null).seq()).isEqualTo(first.version());
    assertThat(b.stats().writes()).isZero();
    UpdateResult u1 = item(a).update(WriteOptions.idempotencyKey("u"), UpdateOp.increment("x", 1));
    UpdateResult u2 = item(b).update(WriteOptions.idempotencyKey("u"), UpdateOp.increment("x", 1));
    assertThat(u2).isEqualTo(u1);
    assertThat(u2.errors()).hasSize(1); // 1 is not an object: the first call's error comes back
  }

  @Test
  void aWriteWithAnUnknownOutcomeIsRetriedWithItsKeyToExactlyOneWrite() {
    StreamEngine engine = redis.engine(b -> b.timeout(Duration.ofMillis(300)).poolSize(2));
    RedisServerProcess server = redis.server();
    item(engine).set(0); // a live pooled connection, so the next write is sent
    // this instance now knows the stored text, so the next update is one compare-and-set
    item(engine).update(UpdateOp.increment("", 0));
    long before = engine.snapshot("s", "g", null).seq();
    WriteOptions key = WriteOptions.idempotencyKey("order-42");
    server.signal("STOP");
    StreamException error =
        catchThrowableOfType(
            StreamException.class, () -> item(engine).update(key, UpdateOp.increment("", 5)));
    server.signal("CONT");
    assertThat(error.outcome()).contains(Outcome.UNKNOWN);

    Awaitility.await() // Redis runs what it had received
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> engine.snapshot("s", "g", null).seq() > before);
    UpdateResult retried = item(engine).update(key, UpdateOp.increment("", 5));
    UpdateResult again = item(engine).update(key, UpdateOp.increment("", 5));
    assertThat(retried.version()).isEqualTo(before + 1);
    assertThat(again).isEqualTo(retried);
    assertThat(item(engine).get()).isEqualTo(IntNode.valueOf(5));
    assertThat(engine.snapshot("s", "g", null).seq()).isEqualTo(before + 1);
  }
}
