package dev.rivulet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.StreamException.Outcome;
import dev.rivulet.UpdateOp;
import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis hung with SIGSTOP while calls run (SPEC §9 "Outages"): every call is answered within its
 * bound, and each failed write says whether it may have been applied; after SIGCONT no write
 * reported "not applied" is there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisOutageTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  /** Borrow + command timeouts of one write, with slack for a loaded 2-core machine. */
  private static final Duration BOUND = Duration.ofSeconds(3);

  @RegisterExtension final RedisExtension redis = RedisExtension.perTest();
  private RedisServerProcess server;
  private StreamEngine engine;
  private final ExecutorService callers = Executors.newFixedThreadPool(24);

  @BeforeEach
  void start() {
    server = redis.server();
    engine = redis.engine(b -> b.timeout(TIMEOUT).poolSize(4));
    engine.set("s", "g", "warm", IntNode.valueOf(0)); // live pooled connections
  }

  @AfterEach
  void stop() {
    server.signal("CONT");
    callers.shutdownNow();
  }

  private record Attempt(String item, StreamException error, Duration took) {}

  @Test
  void everyWriteDuringAHungRedisIsAnsweredWithItsOutcome() throws Exception {
    server.signal("STOP");
    List<CompletableFuture<Attempt>> calls = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String item = "i" + i;
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                long start = System.nanoTime();
                StreamException error =
                    catchThrowableOfType(
                        StreamException.class,
                        () -> engine.set("s", "g", item, IntNode.valueOf(1)));
                return new Attempt(item, error, Duration.ofNanos(System.nanoTime() - start));
              },
              callers));
    }
    List<Attempt> attempts = new ArrayList<>();
    for (CompletableFuture<Attempt> call : calls) {
      attempts.add(call.get(20, TimeUnit.SECONDS));
    }
    server.signal("CONT");

    assertThat(attempts).allSatisfy(a -> assertThat(a.took()).isLessThan(BOUND));
    assertThat(attempts).allSatisfy(a -> assertThat(a.error()).isNotNull());
    assertThat(attempts)
        .allSatisfy(
            a -> {
              assertThat(a.error().code()).isEqualTo("STREAM_SET_ERROR");
              assertThat(a.error().outcome()).isPresent();
            });
    // 4 pooled connections: those writes were sent and timed out, the rest never got one
    List<Attempt> unknown =
        attempts.stream().filter(a -> a.error().outcome().get() == Outcome.UNKNOWN).toList();
    List<Attempt> notApplied =
        attempts.stream().filter(a -> a.error().outcome().get() == Outcome.NOT_APPLIED).toList();
    assertThat(unknown).isNotEmpty();
    assertThat(notApplied).isNotEmpty();
    assertThat(unknown)
        .allSatisfy(a -> assertThat(a.error().getMessage()).contains("outcome unknown"));

    // Redis runs what it had received; whatever it applies, no "not applied" write is among it
    awaitRedisAnswers();
    for (Attempt a : notApplied) {
      assertThat(engine.get("s", "g", a.item())).as(a.item()).isNull();
    }
  }

  @Test
  void anUpdateThatTimedOutIsReportedAsOutcomeUnknown() {
    engine.set("s", "g", "n", IntNode.valueOf(0));
    // this instance now knows the stored text, so the next update is one compare-and-set
    engine.update("s", "g", "n", List.of(UpdateOp.increment("", 1)));
    server.signal("STOP");
    StreamException error =
        catchThrowableOfType(
            StreamException.class,
            () -> engine.update("s", "g", "n", List.of(UpdateOp.increment("", 1))));
    server.signal("CONT");
    assertThat(error.code()).isEqualTo("STREAM_UPDATE_ERROR");
    assertThat(error.outcome()).contains(Outcome.UNKNOWN);
    assertThat(error.getMessage()).contains("outcome unknown");
  }

  @Test
  void anUpdateWhoseReadFailedIsNotApplied() {
    server.signal("STOP");
    StreamException error =
        catchThrowableOfType(
            StreamException.class,
            () -> engine.update("s", "g", "fresh", List.of(UpdateOp.increment("", 1))));
    server.signal("CONT");
    assertThat(error.outcome()).contains(Outcome.NOT_APPLIED);
    awaitRedisAnswers();
    assertThat(engine.get("s", "g", "fresh")).isNull();
  }

  @Test
  void aWriteToAServerThatIsGoneIsNotApplied() {
    server.close();
    StreamException error =
        catchThrowableOfType(
            StreamException.class, () -> engine.set("s", "g", "x", IntNode.valueOf(1)));
    assertThat(error.code()).isEqualTo("STREAM_SET_ERROR");
    assertThat(error.outcome()).isPresent();
  }

  private void awaitRedisAnswers() {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> engine.get("s", "g", "warm") != null);
  }
}
