package dev.rivulet.kv;

import dev.rivulet.StreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The exclusive lock on a kv directory: an OS file lock on {@code dir/LOCK}, which also names its
 * holder (pid and start time) so a refused open can say who holds it.
 */
final class DirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirLock acquire(Path dir) {
    Path file = dir.resolve(Layout.LOCK);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw KvAdapter.openError("cannot create the lock file " + file + ": " + e, e);
    }
    try {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        throw KvAdapter.openError(
            "kv store directory " + dir + " is already open in this process (" + holder(ch) + ")",
            e);
      }
      if (lock == null) {
        throw KvAdapter.openError(
            "kv store directory "
                + dir
                + " is locked by another process ("
                + holder(ch)
                + "); close it first",
            null);
      }
      ch.truncate(0);
      String me =
          "pid "
              + ProcessHandle.current().pid()
              + ", opened at "
              + Instant.now()
              + System.lineSeparator();
      ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new DirLock(ch, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      if (e instanceof StreamException s) {
        throw s;
      }
      throw KvAdapter.openError("cannot lock " + file + ": " + e, e);
    }
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(256);
      int n = ch.read(buf, 0);
      String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? "holder unknown" : "held by " + text;
    } catch (IOException e) {
      return "holder unknown: " + e.getMessage();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // closing the channel releases it anyway
    }
    closeQuietly(channel);
  }
}
