package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.UpdateOp;
import dev.rivulet.kv.KvAdapter;
import dev.rivulet.redis.RedisAdapter;
import dev.rivulet.redis.testing.RedisServerProcess;
import dev.rivulet.spi.StorageAdapter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 6 §1: a client whose connection drops at random moments while writers produce changes
 * across 10 groups ends with exactly the stored state, having seen every seq of every group once
 * (resumed with {@code since}, never re-synchronized), with no gap and no duplicate.
 */
class ResumeSoakIT {
  private static final Logger LOG = LoggerFactory.getLogger(ResumeSoakIT.class);
  static final boolean STRESS = Boolean.getBoolean("rivulet.stress");
  static final int GROUPS = 10;
  static final int CHANGES = STRESS ? 1_000_000 : 100_000;
  static final int WRITERS = 2;
  static final int RESTARTS = 20;
  static final int SLACK = 1_000;

  @TempDir Path dir;

  @Test
  void fileStoreClientSeesEverySeqOnceAcrossRandomDisconnects() throws Exception {
    soak(
        () ->
            KvAdapter.fileBased(dir)
                .fsync(KvAdapter.Fsync.BATCH)
                .history(20_000, Duration.ofMinutes(5))
                .build(),
        "kv file");
  }

  @Test
  void redisClientSeesEverySeqOnceAcrossRandomDisconnects() throws Exception {
    RedisServerProcess.requireRedis();
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      soak(
          () ->
              RedisAdapter.builder()
                  .url(redis.url())
                  .history(20_000, Duration.ofMinutes(5))
                  .build(),
          "redis");
    }
  }

  /** Blocks a writer while it is too far ahead of the next restart. */
  private static void awaitGate(Object gate, AtomicInteger written, AtomicInteger allowed) {
    if (written.get() < allowed.get()) {
      return;
    }
    synchronized (gate) {
      while (written.get() >= allowed.get()) {
        try {
          gate.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Runs the soak against the store; returns nothing, asserts everything. */
  static void soak(Supplier<StorageAdapter> store, String name) throws Exception {
    try (StreamEngine engine = StreamEngine.builder().storage(store.get()).build()) {
      StreamWebSocketServer[] server = {
        StreamWebSocketServer.builder(engine).port(0).build().start()
      };
      int port = server[0].port();
      try (StreamClient client =
          StreamClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
              .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
              .build()) {
        List<ClientSubscription> subs = new ArrayList<>();
        List<List<Long>> seen = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
          ClientSubscription sub = client.subscribeGroup("soak", "g" + g);
          List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
          sub.onChange(change -> seqs.add(change.seq()));
          subs.add(sub);
          seen.add(seqs);
        }
        for (ClientSubscription sub : subs) {
          sub.ready().join();
        }

        // Writers may run at most SLACK changes past the next restart point, so the RESTARTS
        // disconnects always happen while changes are being written, however slow a restart is.
        AtomicInteger written = new AtomicInteger();
        AtomicInteger allowed = new AtomicInteger(CHANGES / (RESTARTS + 1) + SLACK);
        Object gate = new Object();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          Thread t =
              new Thread(
                  () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (written.get() < CHANGES) {
                      awaitGate(gate, written, allowed);
                      String group = "g" + random.nextInt(GROUPS);
                      String item = "i" + random.nextInt(20);
                      switch (random.nextInt(4)) {
                        case 0 -> {
                          if (engine.delete("soak", group, item) == null) {
                            continue; // a missing item: nothing committed
                          }
                        }
                        case 1 ->
                            engine.update("soak", group, item, List.of(UpdateOp.increment("n", 1)));
                        default ->
                            engine.set("soak", group, item, IntNode.valueOf(random.nextInt()));
                      }
                      written.incrementAndGet();
                    }
                  },
                  "soak-writer-" + w);
          writers.add(t);
          t.start();
        }

        int reconnects = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int r = 1; r <= RESTARTS; r++) {
          int point = r * (CHANGES / (RESTARTS + 1)) + random.nextInt(SLACK);
          await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= point);
          server[0].close(); // every connection drops, mid-stream
          server[0] = StreamWebSocketServer.builder(engine).port(port).build().start();
          reconnects++;
          synchronized (gate) {
            allowed.set((r + 1) * (CHANGES / (RESTARTS + 1)) + 2 * SLACK);
            gate.notifyAll();
          }
        }
        synchronized (gate) {
          allowed.set(Integer.MAX_VALUE);
          gate.notifyAll();
        }
        for (Thread t : writers) {
          t.join();
        }

        long changes = 0;
        for (int g = 0; g < GROUPS; g++) {
          String group = "g" + g;
          ClientSubscription sub = subs.get(g);
          long finalSeq = engine.snapshot("soak", group, null).seq();
          List<Long> mine = seen.get(g);
          await().atMost(Duration.ofSeconds(60)).until(() -> sub.lastSeq() == finalSeq);
          // the listener runs just after the state changed: let it catch up (or show what broke)
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> mine.size() >= finalSeq || sub.syncCount() > 1 || sub.gapCount() > 0);
          assertThat(sub.items()).as(group).isEqualTo(engine.snapshot("soak", group, null).items());
          assertThat(sub.gapCount()).as("gaps in " + group).isZero();
          assertThat(sub.duplicateCount()).as("duplicates in " + group).isZero();
          assertThat(sub.syncCount()).as("re-syncs of " + group).isEqualTo(1);
          List<Long> seqs;
          synchronized (mine) {
            seqs = List.copyOf(mine);
          }
          // every seq of the group once, in order: deletes of missing items commit nothing
          for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("%s change %d", group, i).isEqualTo(i + 1L);
          }
          assertThat(seqs).hasSize((int) finalSeq);
          changes += seqs.size();
        }
        LOG.info(
            "resume soak on {}: {} changes seen across {} groups, {} reconnects, 0 gaps, 0 duplicates",
            name,
            changes,
            GROUPS,
            reconnects);
        System.out.printf(
            "resume soak on %s: changes=%d groups=%d reconnects=%d gaps=0 duplicates=0%n",
            name, changes, GROUPS, reconnects);
        assertThat(reconnects).isEqualTo(RESTARTS);
        assertThat(changes).isGreaterThanOrEqualTo(CHANGES);
      } finally {
        server[0].close();
      }
    }
  }
}
