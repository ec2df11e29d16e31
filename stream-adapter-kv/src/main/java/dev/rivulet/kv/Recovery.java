package dev.rivulet.kv;

import dev.rivulet.internal.store.GroupTable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the state of a kv directory: the newest snapshot, then every later log segment in order;
 * at the end each group's seq is raised to its {@link SeqReserve} mark. Log records of a group
 * whose seq the snapshot already includes are skipped (a snapshot is taken group by group while
 * writers go on, so it may include some changes of the following segment). A bad record at the very
 * end of the last segment is a torn write: the file is cut there. A bad record followed by good
 * ones is corruption: the open is refused with the file and byte offset, unless {@code
 * skipCorruptRecords} is set, in which case the bad bytes are skipped and logged. Which snapshot
 * and segments make up the state is the {@link Manifest}'s word: a listed file that is missing
 * refuses the open naming it; a directory without a manifest is adopted from its files.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /** The recovered state and the files it came from (new writes go to the next segment). */
  record Result(GroupTable table, Manifest.State manifest) {}

  /** A bad record in the middle of a file, or a file the store needs that is missing or bad. */
  static final class Corrupt extends IOException {
    private static final long serialVersionUID = 1L;

    Corrupt(Path file, long offset, String why) {
      super("corrupt record in " + file + " at byte offset " + offset + " (" + why + ")");
    }

    Corrupt(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final boolean skipCorrupt;
  private final Supplier<GroupTable> emptyTable;
  private GroupTable table;

  private Recovery(Path dir, boolean skipCorrupt, Supplier<GroupTable> emptyTable) {
    this.dir = dir;
    this.skipCorrupt = skipCorrupt;
    this.emptyTable = emptyTable;
    this.table = emptyTable.get();
  }

  /** Rebuilds the directory's state into a table from {@code emptyTable}. */
  static Result recover(Path dir, boolean skipCorrupt, Supplier<GroupTable> emptyTable)
      throws IOException {
    return new Recovery(dir, skipCorrupt, emptyTable).run();
  }

  private Result run() throws IOException {
    List<Long> segments = new ArrayList<>();
    List<Long> snapshots = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.delete(p); // an unfinished snapshot or manifest
        } else if (Layout.segmentNumber(name) >= 0) {
          segments.add(Layout.segmentNumber(name));
        } else if (Layout.snapshotNumber(name) >= 0) {
          snapshots.add(Layout.snapshotNumber(name));
        }
      }
    }
    Collections.sort(segments);
    snapshots.sort(Collections.reverseOrder());
    Optional<Manifest.State> listed = readManifest();
    Manifest.State state =
        listed.isPresent()
            ? checked(listed.get(), segments, snapshots)
            : adopt(segments, snapshots);
    for (long s = state.firstSegment(); s <= state.lastSegment(); s++) {
      Path file = Layout.segment(dir, s);
      if (Files.exists(file)) { // a missing one was reported (skipCorruptRecords)
        replay(file, s == state.lastSegment());
      }
    }
    table.forEachGroup(SeqReserve::raise); // seqs up to the mark may have been seen
    return new Result(table, state);
  }

  private Optional<Manifest.State> readManifest() throws IOException {
    try {
      return Manifest.read(dir);
    } catch (Corrupt e) {
      if (!skipCorrupt) {
        throw e;
      }
      LOG.warn("{}; rebuilding it from the files present (skipCorruptRecords)", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Checks that every file the manifest lists exists, loads its snapshot and deletes the files it
   * does not list (left by a crash between writing a file and recording it, or before deleting what
   * a new snapshot covers).
   */
  private Manifest.State checked(Manifest.State m, List<Long> segments, List<Long> snapshots)
      throws IOException {
    Path manifest = Layout.manifest(dir);
    if (m.snapshot() > 0 && !snapshots.contains(m.snapshot())) {
      missing(Layout.snapshot(dir, m.snapshot()), "kv snapshot", "listed in " + manifest);
      m = new Manifest.State(0, m.firstSegment(), m.lastSegment()); // skipped: go on without it
    }
    for (long s = m.firstSegment(); s <= m.lastSegment(); s++) {
      if (!segments.contains(s)) {
        missing(Layout.segment(dir, s), "kv log segment", "listed in " + manifest);
        Files.createFile(Layout.segment(dir, s)); // skipped: an empty one keeps the numbers whole
      }
    }
    for (long s : segments) {
      Path file = Layout.segment(dir, s);
      if (s > m.lastSegment() && Files.size(file) > 0) {
        throw new Corrupt(
            "kv log segment "
                + file
                + " holds data but is not listed in "
                + manifest
                + " ("
                + m
                + "); restore the matching manifest or move the file away");
      }
    }
    for (long s : segments) {
      Path file = Layout.segment(dir, s);
      if (!m.needsSegment(s)) {
        Files.delete(file); // covered by the snapshot, or created by a roll the crash cut short
      }
    }
    for (long s : snapshots) {
      if (s != m.snapshot()) {
        Files.delete(Layout.snapshot(dir, s));
      }
    }
    if (m.snapshot() > 0 && snapshots.contains(m.snapshot())) {
      loadSnapshot(List.of(m.snapshot()));
    }
    return m;
  }

  private void missing(Path file, String what, String why) throws Corrupt {
    String message =
        what
            + " "
            + file
            + " is missing ("
            + why
            + "); its changes would be lost. Restore the file, or open with"
            + " skipCorruptRecords(true) to go on without it";
    if (!skipCorrupt) {
      throw new Corrupt(message);
    }
    LOG.warn("{}; skipped (skipCorruptRecords)", message);
  }

  /** A directory without a manifest (fresh, or written by version 0.1): take what is there. */
  private Manifest.State adopt(List<Long> segments, List<Long> snapshots) throws IOException {
    if (segments.isEmpty() && snapshots.isEmpty()) {
      return Manifest.State.EMPTY;
    }
    long base = loadSnapshot(snapshots);
    List<Long> live = new ArrayList<>();
    for (long s : segments) {
      if (s < base) {
        Files.delete(Layout.segment(dir, s)); // covered by the snapshot; left by a crash
      } else {
        live.add(s);
      }
    }
    long first = base > 0 ? base : live.isEmpty() ? 1 : live.get(0);
    long expected = first;
    for (long s : live) {
      for (; expected < s; expected++) {
        missing(
            Layout.segment(dir, expected),
            "kv log segment",
            "a gap in the segment numbers before " + Layout.segment(dir, s).getFileName());
        Files.createFile(Layout.segment(dir, expected)); // skipped (see checked)
      }
      expected = s + 1;
    }
    long last = live.isEmpty() ? first - 1 : live.get(live.size() - 1);
    Manifest.State state = new Manifest.State(base, first, last);
    LOG.info("kv store in {} has no manifest; adopting {}", dir, state);
    return state;
  }

  /** Loads the newest readable snapshot and returns the first segment it does not cover. */
  private long loadSnapshot(List<Long> newestFirst) throws IOException {
    for (long s : newestFirst) {
      Path file = Layout.snapshot(dir, s);
      try {
        Snapshots.read(file, s, table);
        LOG.debug("kv snapshot {} loaded", file);
        return s;
      } catch (IOException e) {
        if (!skipCorrupt) {
          throw e instanceof Corrupt ? e : new Corrupt(file, 0, e.toString());
        }
        LOG.warn("kv snapshot {} is unreadable, trying an older one: {}", file, e.getMessage());
        table = emptyTable.get();
      }
    }
    return 0;
  }

  private void replay(Path file, boolean last) throws IOException {
    byte[] buf = Files.readAllBytes(file);
    int off = 0;
    while (off < buf.length) {
      int len = Records.validFrameAt(buf, off, buf.length);
      if (len >= 0 && apply(buf, off, len)) {
        off += Records.HEADER + len;
        continue;
      }
      int next = Records.nextValidFrame(buf, off + 1, buf.length);
      if (next < 0 && last) {
        LOG.warn(
            "kv log {}: torn tail record at byte offset {} ({} bytes) cut off",
            file,
            off,
            buf.length - off);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(off);
          ch.force(true);
        }
        return;
      }
      String why =
          next < 0
              ? "bad record at the end of a segment that is not the last one"
              : "bad record; a valid record follows at byte offset " + next;
      if (!skipCorrupt) {
        throw new Corrupt(
            file, off, why + "; open with skipCorruptRecords(true) to skip the bad bytes");
      }
      int end = next < 0 ? buf.length : next;
      LOG.warn(
          "kv log {}: skipping {} corrupt bytes at byte offset {} (skipCorruptRecords)",
          file,
          end - off,
          off);
      off = end;
    }
  }

  /** Applies one framed log record; false when its payload does not decode. */
  private boolean apply(byte[] buf, int off, int len) {
    Records.Entry e;
    com.fasterxml.jackson.databind.JsonNode value = null;
    try {
      e =
          Records.decodeLog(
              Arrays.copyOfRange(buf, off + Records.HEADER, off + Records.HEADER + len));
      if (e.type() == Records.SET) {
        value = Records.parse(e.value());
      }
    } catch (IOException | RuntimeException bad) {
      return false;
    }
    GroupTable.Group g = table.obtain(e.group());
    if (e.type() == Records.RESERVE) {
      SeqReserve.recovered(g, e.seq(), e.timestamp()); // the later holds (a clean close lowers it)
      return true;
    }
    if (e.seq() <= g.seq()) {
      return true; // already in the snapshot
    }
    switch (e.type()) {
      case Records.SET -> g.put(e.item(), value, e.seq());
      case Records.DELETE -> g.remove(e.item());
      default -> {
        // a send only advances seq
      }
    }
    g.advance(e.seq(), e.timestamp());
    return true;
  }
}
