package dev.rivulet.kv;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names of a kv directory. Only numbers become file names, never stream, group or item names:
 * {@code wal-<n>.log} (log segment n), {@code snapshot-<n>.snap} (state before segment n), {@code
 * LOCK}, {@code MANIFEST} (see {@link Manifest}).
 */
final class Layout {
  static final String LOCK = "LOCK";
  static final String MANIFEST = "MANIFEST";
  private static final Pattern SEGMENT = Pattern.compile("wal-(\\d{20})\\.log");
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{20})\\.snap");

  private Layout() {}

  static Path segment(Path dir, long n) {
    return dir.resolve(String.format("wal-%020d.log", n));
  }

  static Path snapshot(Path dir, long n) {
    return dir.resolve(String.format("snapshot-%020d.snap", n));
  }

  static Path manifest(Path dir) {
    return dir.resolve(MANIFEST);
  }

  /** The segment number of a log file name, or -1. */
  static long segmentNumber(String fileName) {
    return number(SEGMENT.matcher(fileName));
  }

  /** The segment number a snapshot file covers up to, or -1. */
  static long snapshotNumber(String fileName) {
    return number(SNAPSHOT.matcher(fileName));
  }

  private static long number(Matcher m) {
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Makes created, renamed or deleted directory entries durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Writes the bytes of a file (may throw) to an output stream. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Replaces {@code target} atomically: writes {@code content} to {@code target + ".tmp"}, forces
   * it, renames it over {@code target} and syncs the directory. On failure the temp file is deleted
   * (it would hold space a full disk needs) and {@code target} is unchanged.
   */
  static void replaceAtomically(Path target, Content content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        content.writeTo(out);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    syncDirectory(target.getParent());
  }
}
