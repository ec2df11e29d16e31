package dev.rivulet.kv;

import dev.rivulet.internal.store.GroupTable;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Snapshot files: a header record naming the first log segment not included, one record per group
 * (name, seq, timestamp, items in list order, then the {@link SeqReserve} mark; emptied groups
 * included so seq never goes backwards) and an end record with the group count. Snapshots written
 * before the mark existed end a group record after its items and load with mark 0. Written through
 * {@link Layout#replaceAtomically}.
 */
final class Snapshots {
  private Snapshots() {}

  /** One group's copy: its snapshot and its seq reservation mark. */
  record Group(GroupSnapshot snapshot, long mark) {}

  static void write(Path dir, long segment, List<Group> groups) throws IOException {
    Layout.replaceAtomically(
        Layout.snapshot(dir, segment),
        out -> {
          out.write(new Records.Payload().b(Records.SNAP_HEADER).l(segment).framed());
          for (Group copy : groups) {
            GroupSnapshot g = copy.snapshot();
            Records.Payload p =
                new Records.Payload()
                    .b(Records.SNAP_GROUP)
                    .s(g.group().stream())
                    .s(g.group().group())
                    .l(g.seq())
                    .l(g.timestamp())
                    .i(g.items().size());
            for (GroupSnapshot.Item item : g.items()) {
              p.s(item.id()).bytes(Records.json(item.value()));
            }
            out.write(p.l(copy.mark()).framed());
          }
          out.write(new Records.Payload().b(Records.SNAP_END).l(groups.size()).framed());
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
      if (type == Records.SNAP_GROUP) {
        GroupKey key = new GroupKey(Records.str(in), Records.str(in));
        GroupTable.Group g = table.obtain(key);
        long seq = in.readLong();
        long ts = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          String id = Records.str(in);
          g.put(id, Records.parse(Records.bytes(in)));
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
