package dev.rivulet.kv;

import dev.rivulet.internal.store.GroupTable;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Snapshot files: a header record naming the first log segment not included, one record per group
 * (name, seq, timestamp, items in list order with their versions, then the {@link SeqReserve} mark;
 * emptied groups included so seq never goes backwards) and an end record with the group count.
 * Written through {@link Layout#replaceAtomically}. Snapshots written before versions were kept
 * ({@code SNAP_GROUP} records, items without versions) still load, their items at the group's seq;
 * so do those written before the mark existed (mark 0).
 */
final class Snapshots {
  private Snapshots() {}

  /** One group's copy: its snapshot, its items' versions by id and its seq reservation mark. */
  record Group(GroupSnapshot snapshot, Map<String, Long> versions, long mark) {}

  static void write(Path dir, long segment, List<Group> copies) throws IOException {
    Layout.replaceAtomically(
        Layout.snapshot(dir, segment),
        out -> {
          out.write(new Records.Payload().b(Records.SNAP_HEADER).l(segment).framed());
          for (Group copy : copies) {
            GroupSnapshot g = copy.snapshot();
            Records.Payload p =
                new Records.Payload()
                    .b(Records.SNAP_GROUP_VERSIONED)
                    .s(g.group().stream())
                    .s(g.group().group())
                    .l(g.seq())
                    .l(g.timestamp())
                    .i(g.items().size());
            for (GroupSnapshot.Item item : g.items()) {
              p.s(item.id()).l(copy.versions().getOrDefault(item.id(), g.seq()));
              p.bytes(Records.json(item.value()));
            }
            out.write(p.l(copy.mark()).framed());
          }
          out.write(new Records.Payload().b(Records.SNAP_END).l(copies.size()).framed());
        });
  }

  /**
   * Loads a snapshot into {@code table}.
   *
   * @throws Recovery.Corrupt naming the byte offset of the first bad record
   */
  static void read(Path file, long segment, GroupTable table) throws IOException {
    byte[] buf = Files.readAllBytes(file);
    int off = 0;
    long groups = 0;
    boolean ended = false;
    while (off < buf.length) {
      int len = Records.validFrameAt(buf, off, buf.length);
      if (len < 0 || ended) {
        throw new Recovery.Corrupt(file, off, "bad or extra record");
      }
      byte[] payload =
          java.util.Arrays.copyOfRange(buf, off + Records.HEADER, off + Records.HEADER + len);
      DataInputStream in = Records.in(payload);
      byte type = in.readByte();
      if (off == 0 && (type != Records.SNAP_HEADER || in.readLong() != segment)) {
        throw new Recovery.Corrupt(file, off, "bad snapshot header");
      }
      if (type == Records.SNAP_GROUP || type == Records.SNAP_GROUP_VERSIONED) {
        boolean versioned = type == Records.SNAP_GROUP_VERSIONED;
        GroupKey key = new GroupKey(Records.str(in), Records.str(in));
        GroupTable.Group g = table.obtain(key);
        long seq = in.readLong();
        long ts = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          String id = Records.str(in);
          if (versioned) {
            long version = in.readLong();
            g.put(id, Records.parse(Records.bytes(in)), version);
          } else {
            g.put(id, Records.parse(Records.bytes(in)));
          }
        }
        g.advance(seq, ts);
        if (in.available() >= Long.BYTES) {
          SeqReserve.recovered(g, in.readLong(), 0);
        }
        groups++;
      } else if (type == Records.SNAP_END) {
        if (in.readLong() != groups) {
          throw new Recovery.Corrupt(file, off, "group count mismatch");
        }
        ended = true;
      } else if (off != 0) {
        throw new Recovery.Corrupt(file, off, "unexpected record type " + type);
      }
      off += Records.HEADER + len;
    }
    if (!ended) {
      throw new Recovery.Corrupt(file, off, "snapshot is incomplete");
    }
  }
}
