package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Test helpers around a kv directory. */
final class KvFiles {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private KvFiles() {}

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** The log segments of a directory, oldest first. */
  static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> Layout.segmentNumber(p.getFileName().toString()) >= 0)
          .sorted()
          .toList();
    }
  }

  /** The newest segment that holds data. */
  static Path lastNonEmptySegment(Path dir) throws IOException {
    List<Path> all = segments(dir);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (Files.size(all.get(i)) > 0) {
        return all.get(i);
      }
    }
    throw new AssertionError("no log data in " + dir);
  }

  static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (String name : fileNames(from)) {
      if (!name.equals(Layout.LOCK)) {
        Files.copy(from.resolve(name), to.resolve(name));
      }
    }
  }

  static void flipByte(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x40;
    Files.write(file, bytes);
  }

  /** Record boundaries (start offsets, plus the end) of a log segment. */
  static List<Integer> recordStarts(Path segment) throws IOException {
    byte[] buf = Files.readAllBytes(segment);
    java.util.ArrayList<Integer> starts = new java.util.ArrayList<>();
    int off = 0;
    while (off < buf.length) {
      starts.add(off);
      int len = Records.validFrameAt(buf, off, buf.length);
      assertThat(len).as("record at %d", off).isPositive();
      off += Records.HEADER + len;
    }
    starts.add(off);
    return starts;
  }

  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Makes {@code path} unwritable even for root: {@code chattr +i} as root (skips the test when the
   * container does not allow it), permission bits otherwise. Undo with {@link #makeWritable}.
   */
  static void makeReadOnly(Path path) throws Exception {
    if (runningAsRoot()) {
      Assumptions.assumeTrue(
          run("chattr", "+i", path.toString()) == 0, "chattr +i not permitted here");
    } else {
      Files.setPosixFilePermissions(
          path, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    }
  }

  static void makeWritable(Path path) throws Exception {
    if (runningAsRoot()) {
      run("chattr", "-i", path.toString());
    } else {
      Files.setPosixFilePermissions(
          path, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
