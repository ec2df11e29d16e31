package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.StorageAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that writes through the engine with SIGKILL at random moments, reopens the
 * directory and checks that every acknowledged write survived: each item holds the value of its
 * last acknowledged write, unless a write that was in flight at the kill (begun, not acknowledged)
 * superseded it, in which case the item holds exactly that write's value (never a half-applied
 * one); each group's seq is at least its highest acknowledged seq and exceeds it by no more than
 * the writes in flight (plus one {@link SeqReserve#BLOCK} when the group had sends: recovery raises
 * the seq to the group's reservation mark); seq never goes backwards across restarts. Rounds
 * alternate fsync modes (a process kill loses nothing in any mode: writes wait for the OS write)
 * and run every other round with a tiny compaction threshold so kills land during compaction.
 */
class KvCrashIT {
  private static final boolean STRESS = Boolean.getBoolean("rivulet.stress");
  private static final int THREADS = 4;
  private static final int ONE_GROUP_THREADS = 8;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  /** One printed operation. */
  private record Op(
      int thread, long k, String op, String group, String item, long seq, String json) {}

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void acknowledgedWritesSurviveSigkillAtRandomMoments() throws Exception {
    assertThat(rounds(STRESS ? 150 : 20, THREADS, KvCrashWriter.GROUPS))
        .as("rounds in which compaction ran")
        .isPositive();
  }

  /**
   * Many writers on ONE group keep several records of the group between the log and the table
   * (appended, durable or not, not yet applied) when the kill lands.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void pipelinedWritersOfOneGroupLoseNoAcknowledgedWriteOnSigkill() throws Exception {
    rounds(STRESS ? 60 : 8, ONE_GROUP_THREADS, 1);
  }

  /** Runs the kill rounds; returns in how many compaction ran. */
  private int rounds(int rounds, int threads, int groups) throws Exception {
    Random random = new Random(Long.getLong("rivulet.seed", System.nanoTime()));
    Path dir = tmp.resolve("db");
    Map<GroupKey, Long> seqs = new HashMap<>();
    Map<GroupKey, Map<String, JsonNode>> state = new HashMap<>();
    int compactedRounds = 0;
    for (int round = 0; round < rounds; round++) {
      KvAdapter.Fsync mode = KvAdapter.Fsync.values()[round % 3];
      boolean compact = round % 2 == 1;
      List<String> lines;
      try (ChildJvm child =
          new ChildJvm(
              tmp.resolve("child-" + round + ".err"),
              KvCrashWriter.class,
              dir.toString(),
              String.valueOf(threads),
              mode.name(),
              compact ? "2048" : "0",
              String.valueOf(random.nextLong()),
              String.valueOf(groups))) {
        child.await("READY", 60_000);
        child.awaitCount("ACK", 200 + random.nextInt(4000), 1000);
        lines = child.kill();
      }
      String context = "round " + round + " (" + mode + (compact ? ", compacting" : "") + ")";
      Files.write(tmp.resolve("child-" + round + ".out"), lines);
      check(dir, lines, seqs, state, new Round(context, threads, groups));
      if (compact && hasSnapshot(dir)) {
        compactedRounds++;
      }
    }
    return compactedRounds;
  }

  /** What a round's check needs to know. */
  private record Round(String context, int threads, int groups) {}

  private static boolean hasSnapshot(Path dir) throws Exception {
    return KvFiles.fileNames(dir).stream().anyMatch(n -> Layout.snapshotNumber(n) >= 0);
  }

  private static void check(
      Path dir,
      List<String> lines,
      Map<GroupKey, Long> seqs,
      Map<GroupKey, Map<String, JsonNode>> state,
      Round round)
      throws Exception {
    String context = round.context();
    Map<String, Op> begun = new HashMap<>();
    List<Op> acked = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ", 8);
      switch (f[0]) {
        case "BEGIN" ->
            begun.put(
                f[1] + "/" + f[2],
                new Op(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3], f[4], f[5], 0, f[6]));
        case "ACK" -> {
          begun.remove(f[1] + "/" + f[2]);
          acked.add(
              new Op(
                  Integer.parseInt(f[1]),
                  Long.parseLong(f[2]),
                  f[3],
                  f[4],
                  f[5],
                  Long.parseLong(f[6]),
                  f[7]));
        }
        case "NOOP" -> begun.remove(f[1] + "/" + f[2]);
        default -> {
          // READY
        }
      }
    }
    List<Op> inFlight = List.copyOf(begun.values());
    assertThat(inFlight.size()).as(context).isLessThanOrEqualTo(round.threads());
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      for (int gi = 0; gi < round.groups(); gi++) {
        String group = "g" + gi;
        GroupKey key = new GroupKey(KvCrashWriter.STREAM, group);
        long before = seqs.getOrDefault(key, 0L);
        List<Op> groupAcks = acked.stream().filter(o -> o.group().equals(group)).toList();
        long maxAck = groupAcks.stream().mapToLong(Op::seq).max().orElse(before);
        long minAck = groupAcks.stream().mapToLong(Op::seq).min().orElse(before + 1);
        long flying = inFlight.stream().filter(o -> o.group().equals(group)).count();
        boolean sent =
            acked.stream().anyMatch(o -> o.group().equals(group) && o.op().equals("send"))
                || inFlight.stream()
                    .anyMatch(o -> o.group().equals(group) && o.op().equals("send"));
        GroupSnapshot snap = store.snapshot(key);
        String where = context + " " + group;
        assertThat(minAck)
            .as("%s: seq went backwards after a restart", where)
            .isGreaterThan(before);
        assertThat(snap.seq())
            .as("%s: acknowledged seq lost", where)
            .isGreaterThanOrEqualTo(maxAck);
        assertThat(snap.seq())
            .as("%s: more changes than written", where)
            .isLessThanOrEqualTo(maxAck + flying + (sent ? SeqReserve.BLOCK : 0));
        Map<String, JsonNode> previous = state.getOrDefault(key, Map.of());
        Map<String, JsonNode> now = new HashMap<>();
        for (int ii = 0; ii < KvCrashWriter.ITEMS; ii++) {
          String item = "i" + ii;
          JsonNode actual = snap.value(item);
          Op last =
              groupAcks.stream()
                  .filter(o -> o.item().equals(item) && !o.op().equals("send"))
                  .reduce((a, b) -> a.seq() > b.seq() ? a : b)
                  .orElse(null);
          JsonNode expected = last == null ? previous.get(item) : parse(last.json());
          if (!Objects.equals(actual, expected)) {
            boolean explained =
                inFlight.stream()
                    .filter(o -> o.group().equals(group) && o.item().equals(item))
                    .anyMatch(o -> producedBy(o, actual));
            assertThat(explained)
                .as(
                    "%s %s holds %s; last acknowledged %s; in flight %s",
                    where, item, actual, expected, inFlight)
                .isTrue();
          }
          if (actual != null) {
            now.put(item, actual);
          }
        }
        state.put(key, now);
        seqs.put(key, snap.seq());
      }
    }
  }

  /** Whether {@code actual} is exactly what the in-flight op would have stored. */
  private static boolean producedBy(Op op, JsonNode actual) {
    JsonNode intent = parse(op.json());
    return switch (op.op()) {
      case "delete" -> actual == null;
      case "set" -> intent.equals(actual);
      case "update" ->
          actual != null
              && intent.get("t").equals(actual.get("t"))
              && intent.get("k").equals(actual.get("k"))
              && intent.get("pad").equals(actual.get("pad"));
      default -> false;
    };
  }

  private static JsonNode parse(String json) {
    JsonNode node = KvFiles.json(json);
    return node.isNull() ? null : node;
  }
}
