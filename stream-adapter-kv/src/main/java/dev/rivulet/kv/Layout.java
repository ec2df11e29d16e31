package dev.rivulet.kv;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names of a kv directory. Only numbers become file names, never stream, group or item names:
 * {@code wal-<n>.log} (log segment n), {@code snapshot-<n>.snap} (state before segment n), {@code
 * LOCK}.
 */
final class Layout {
  static final String LOCK = "LOCK";
  private static final Pattern SEGMENT = Pattern.compile("wal-(\\d{20})\\.log");
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{20})\\.snap");

  private Layout() {}

  static Path segment(Path dir, long n) {
    return dir.resolve(String.format("wal-%020d.log", n));
  }

  static Path snapshot(Path dir, long n) {
    return dir.resolve(String.format("snapshot-%020d.snap", n));
  }

  static Path snapshotTemp(Path dir, long n) {
    return dir.resolve(String.format("snapshot-%020d.snap.tmp", n));
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
}
