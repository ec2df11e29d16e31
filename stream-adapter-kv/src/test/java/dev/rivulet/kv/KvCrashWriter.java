package dev.rivulet.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.UpdateOp;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.ForwardingStorageAdapter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Child-JVM writer for {@link KvCrashIT}: writes through a {@link StreamEngine} on a file store
 * from several threads until killed, printing {@code BEGIN t k op group item intent} before and
 * {@code ACK t k op group item seq newValue} after every acknowledged write.
 *
 * <p>Arguments: dir, threads, fsync mode, compaction threshold (0 = default), seed, groups.
 */
public final class KvCrashWriter {
  static final String STREAM = "crash";
  static final int GROUPS = 4;
  static final int ITEMS = 8;

  private KvCrashWriter() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    KvAdapter.Builder builder = KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.valueOf(args[2]));
    long compaction = Long.parseLong(args[3]);
    if (compaction > 0) {
      builder.compactionThreshold(compaction).segmentSize(4096);
    }
    long seed = Long.parseLong(args[4]);
    int groups = Integer.parseInt(args[5]);
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    Recording store = new Recording(builder.build());
    StreamEngine engine = StreamEngine.builder().storage(store).build();
    line(out, "READY");
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker =
          new Thread(() -> write(engine, store, out, id, groups, new SplittableRandom(seed + id)));
      worker.start();
    }
  }

  private static void write(
      StreamEngine engine,
      Recording store,
      PrintStream out,
      int t,
      int groups,
      SplittableRandom random) {
    for (long k = 0; ; k++) {
      String group = "g" + random.nextInt(groups);
      String item = "i" + random.nextInt(ITEMS);
      int dice = random.nextInt(100);
      String op = dice < 50 ? "set" : dice < 80 ? "update" : dice < 95 ? "delete" : "send";
      ObjectNode intent = KvFiles.MAPPER.createObjectNode();
      intent.put("t", t).put("k", k).put("pad", "p" + Long.toString(random.nextLong(), 36));
      if (op.equals("set")) {
        intent.put("kind", "set");
      }
      String intentText = op.equals("set") || op.equals("update") ? intent.toString() : "null";
      line(out, "BEGIN " + t + " " + k + " " + op + " " + group + " " + item + " " + intentText);
      store.last.remove();
      switch (op) {
        case "set" -> engine.set(STREAM, group, item, intent);
        case "update" ->
            engine.update(
                STREAM,
                group,
                item,
                List.of(
                    new UpdateOp.Set("t", IntNode.valueOf(t)),
                    new UpdateOp.Set("k", intent.get("k")),
                    new UpdateOp.Set("pad", TextNode.valueOf(intent.get("pad").asText()))));
        case "delete" -> engine.delete(STREAM, group, item);
        default -> engine.send(STREAM, group, "ping", null, null);
      }
      Change change = store.last.get();
      if (change == null || !change.committed()) {
        line(out, "NOOP " + t + " " + k);
        continue;
      }
      JsonNode value = change.newValue();
      line(
          out,
          "ACK "
              + t
              + " "
              + k
              + " "
              + op
              + " "
              + group
              + " "
              + item
              + " "
              + change.seq()
              + " "
              + (value == null ? "null" : value.toString()));
    }
  }

  private static void line(PrintStream out, String text) {
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }

  /** Remembers the change each thread's last write committed. */
  static final class Recording extends ForwardingStorageAdapter {
    final ThreadLocal<Change> last = new ThreadLocal<>();

    Recording(StorageAdapter delegate) {
      super(delegate);
    }

    private Change record(Change change) {
      last.set(change);
      return change;
    }

    @Override
    public Change set(GroupKey group, String item, JsonNode value) {
      return record(delegate.set(group, item, value));
    }

    @Override
    public Change delete(GroupKey group, String item) {
      return record(delegate.delete(group, item));
    }

    @Override
    public Change update(GroupKey group, String item, ItemUpdater updater) {
      return record(delegate.update(group, item, updater));
    }

    @Override
    public Change send(GroupKey group, String item, Notice notice) {
      return record(delegate.send(group, item, notice));
    }
  }
}
