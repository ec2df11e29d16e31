package dev.rivulet.kv;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code MANIFEST}: the snapshot and the log segments a kv directory needs, so that a missing file
 * is noticed on open instead of silently losing its changes. One framed record ({@link Records}):
 * type, format version, snapshot number (0 = none), first and last segment (every segment in
 * between is needed; {@code last = first - 1} when there is none yet). Replaced atomically whenever
 * the set changes: after a new segment file exists and before anything is written to it, and after
 * a new snapshot is durable and before older files are deleted. So a crash leaves a manifest whose
 * files all exist; files it does not list are leftovers of such a crash.
 */
final class Manifest {
  private static final int VERSION = 1;

  /** The files a directory needs. */
  record State(long snapshot, long firstSegment, long lastSegment) {
    /** A fresh directory: no snapshot, segment 1 comes next. */
    static final State EMPTY = new State(0, 1, 0);

    long nextSegment() {
      return lastSegment + 1;
    }

    boolean needsSegment(long n) {
      return n >= firstSegment && n <= lastSegment;
    }

    @Override
    public String toString() {
      return (snapshot > 0 ? "snapshot " + snapshot + ", " : "no snapshot, ")
          + (lastSegment < firstSegment
              ? "no segments"
              : "segments " + firstSegment + ".." + lastSegment);
    }
  }

  private final Path dir;
  private State state; // guarded by this

  Manifest(Path dir, State state) {
    this.dir = dir;
    this.state = state;
  }

  /**
   * Reads the manifest of {@code dir}; empty when there is none (a fresh or a version 0.1
   * directory).
   *
   * @throws Recovery.Corrupt when it is unreadable
   */
  static Optional<State> read(Path dir) throws IOException {
    Path file = Layout.manifest(dir);
    byte[] buf;
    try {
      buf = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    int len = Records.validFrameAt(buf, 0, buf.length);
    if (len < 0 || Records.HEADER + len != buf.length) {
      throw corrupt(file, "bad checksum, length or magic");
    }
    DataInputStream in = Records.in(Arrays.copyOfRange(buf, Records.HEADER, Records.HEADER + len));
    if (in.readByte() != Records.MANIFEST || in.readInt() != VERSION) {
      throw corrupt(file, "not a version " + VERSION + " manifest");
    }
    State s = new State(in.readLong(), in.readLong(), in.readLong());
    if (s.snapshot() < 0
        || s.firstSegment() < 1
        || s.lastSegment() < s.firstSegment() - 1
        || (s.snapshot() > 0 && s.snapshot() != s.firstSegment())) {
      throw corrupt(file, "inconsistent contents: " + s);
    }
    return Optional.of(s);
  }

  private static Recovery.Corrupt corrupt(Path file, String why) {
    return new Recovery.Corrupt(
        "kv manifest "
            + file
            + " is corrupt ("
            + why
            + "); it lists the files the store needs. Open with skipCorruptRecords(true) to rebuild"
            + " it from the files present");
  }

  synchronized State state() {
    return state;
  }

  /** Records that segment {@code n} exists and is the newest. */
  synchronized void segmentAdded(long n) throws IOException {
    replace(new State(state.snapshot(), state.firstSegment(), n));
  }

  /** Records that {@code snapshot-n} is durable: segments below n are no longer needed. */
  synchronized void snapshotTaken(long n) throws IOException {
    replace(new State(n, n, Math.max(n, state.lastSegment())));
  }

  /** Writes the current state (adopting a directory without a manifest). */
  synchronized void write() throws IOException {
    replace(state);
  }

  private void replace(State next) throws IOException {
    byte[] record =
        new Records.Payload()
            .b(Records.MANIFEST)
            .i(VERSION)
            .l(next.snapshot())
            .l(next.firstSegment())
            .l(next.lastSegment())
            .framed();
    Layout.replaceAtomically(Layout.manifest(dir), out -> out.write(record));
    state = next; // only once it is durable
  }
}
