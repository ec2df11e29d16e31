package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StreamEngine#stats()} counts what happened (SPEC §10). */
class EngineStatsTest {
  private final StreamEngine engine = StreamEngine.builder().build();
  private final Group group = engine.stream("s").group("g");

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void countsWritesEventsDeliveriesAndSubscribers() {
    assertThat(engine.stats()).isEqualTo(new EngineStats(0, 0, 0, 0, 0, 0, 0, 0));
    Subscription a = group.subscribe(e -> {});
    Subscription b = group.item("x").subscribe(e -> {});
    assertThat(engine.stats().subscribers()).isEqualTo(2);

    group.item("x").set(1); // both subscriptions
    group.item("y").set(2); // the group subscription only
    group.item("x").update(UpdateOp.increment("", 1)); // both
    group.item("missing").delete(); // commits nothing
    group.send("ping", null); // the group subscription only (no item)
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.stats().deliveries() == 6);

    EngineStats stats = engine.stats();
    assertThat(stats.writes()).isEqualTo(3);
    assertThat(stats.events()).isEqualTo(4);
    a.close();
    b.close();
    assertThat(engine.stats().subscribers()).isZero();
    assertThat(engine.stats().minus(stats)).isEqualTo(new EngineStats(0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void countsTriggerAndListenerFailures() throws Exception {
    CountDownLatch failed = new CountDownLatch(1);
    engine
        .triggers()
        .register(
            Trigger.onStream("s")
                .handle(
                    e -> {
                      failed.countDown();
                      throw new IllegalStateException("handler fails");
                    }));
    group.subscribe(
        e -> {
          throw new IllegalStateException("listener fails");
        });
    EngineStats before = engine.stats();
    group.item("x").set(1);
    assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> engine.stats().triggerFailures() == 1 && engine.stats().listenerFailures() == 1);
    EngineStats delta = engine.stats().minus(before);
    assertThat(delta.writes()).isEqualTo(1);
    assertThat(delta.deliveries()).isEqualTo(1);
    assertThat(delta.droppedInvocations()).isZero();
  }
}
