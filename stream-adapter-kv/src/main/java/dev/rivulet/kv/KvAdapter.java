package dev.rivulet.kv;

import dev.rivulet.StreamException;
import dev.rivulet.internal.store.GroupTable;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The kv storage adapters: {@link #inMemory()} keeps everything in the JVM; {@link
 * #fileBased(Path)} adds a write-ahead log with checksums, group commit, background compaction and
 * crash recovery. Both are thread-safe; writes to different groups do not block each other. kv
 * delivers events within this process only: processes that share data need the Redis adapter.
 *
 * <pre>{@code
 * StorageAdapter store = KvAdapter.fileBased(Path.of("data")).fsync(KvAdapter.Fsync.ALWAYS).build();
 * StreamEngine engine = StreamEngine.builder().storage(store).build();
 * }</pre>
 */
public final class KvAdapter {
  /** Error code of a directory that cannot be opened (locked, corrupt, not a directory, …). */
  public static final String STORAGE_OPEN_ERROR = "STORAGE_OPEN_ERROR";

  private KvAdapter() {}

  /** When a write is forced to disk. */
  public enum Fsync {
    /** A write returns only after its record is on disk (fdatasync, shared by a batch). */
    ALWAYS,
    /**
     * Records are written at once and forced within {@link Builder#batchInterval}, and on close.
     */
    BATCH,
    /** Records are written to the OS page cache at once and forced only on close. */
    OFF
  }

  /**
   * A store that keeps everything in this JVM, with the default event history (1 000 events or 5
   * minutes per group) and the system clock; the same store as the engine's default.
   *
   * @return a new, empty store
   */
  public static StorageAdapter inMemory() {
    return TableStore.inMemory(System::currentTimeMillis, EventHistory.Limits.defaults());
  }

  /**
   * A builder for a durable store in {@code dir} (created when missing). Nothing is opened until
   * {@link Builder#build()}.
   *
   * @param dir the store's directory; one process at a time may hold it open
   * @return a builder with the defaults described on its setters
   */
  public static Builder fileBased(Path dir) {
    return new Builder(Objects.requireNonNull(dir, "dir"));
  }

  static StreamException openError(String message, Throwable cause) {
    return new StreamException(STORAGE_OPEN_ERROR, message, cause);
  }

  /**
   * Options of the file-based store; each setter checks its argument at once and throws a {@link
   * StreamException} with code {@code invalid_argument} when it is out of range. Not thread-safe.
   */
  public static final class Builder {
    private final Path dir;
    private Fsync fsync = Fsync.ALWAYS;
    private Duration batchInterval = Duration.ofMillis(50);
    private long segmentSize = 64L << 20;
    private long compactionThreshold = 256L << 20;
    private boolean skipCorruptRecords;
    private LongSupplier clock = System::currentTimeMillis;
    private EventHistory.Limits history = EventHistory.Limits.defaults();

    private Builder(Path dir) {
      this.dir = dir;
    }

    /**
     * When writes are forced to disk; default {@link Fsync#ALWAYS}.
     *
     * @param mode the fsync mode; not null
     * @return this builder
     */
    public Builder fsync(Fsync mode) {
      this.fsync = Objects.requireNonNull(mode, "fsync mode");
      return this;
    }

    /**
     * The longest time a write stays unforced with {@link Fsync#BATCH}: 1 ms … 1 min; default 50
     * ms. Ignored by the other modes.
     *
     * @param interval the interval; not null
     * @return this builder
     */
    public Builder batchInterval(Duration interval) {
      Objects.requireNonNull(interval, "batchInterval");
      if (interval.compareTo(Duration.ofMillis(1)) < 0
          || interval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw invalid("batchInterval must be between 1 ms and 1 min: " + interval);
      }
      this.batchInterval = interval;
      return this;
    }

    /**
     * Size after which the log moves to a new segment file: 4 KiB … 1 GiB; default 64 MiB.
     *
     * @param bytes the segment size in bytes, 4 096 … 1 073 741 824
     * @return this builder
     */
    public Builder segmentSize(long bytes) {
      if (bytes < 4096 || bytes > (1L << 30)) {
        throw invalid("segmentSize must be between 4096 and 1073741824 bytes: " + bytes);
      }
      this.segmentSize = bytes;
      return this;
    }

    /**
     * Log bytes written since the last snapshot that start a background compaction: at least 1 KiB;
     * default 256 MiB. Compaction writes a snapshot of every group and deletes the log segments it
     * covers; writers pause only while their own group is copied.
     *
     * @param bytes the threshold in bytes, at least 1 024
     * @return this builder
     */
    public Builder compactionThreshold(long bytes) {
      if (bytes < 1024) {
        throw invalid("compactionThreshold must be at least 1024 bytes: " + bytes);
      }
      this.compactionThreshold = bytes;
      return this;
    }

    /**
     * Repair option: open even when a log record in the middle is corrupt, skipping the bad bytes
     * (the changes in them are lost; each skip is logged with file and offset). Default false: such
     * a directory is refused.
     *
     * @param skip true to skip corrupt records instead of refusing to open
     * @return this builder
     */
    public Builder skipCorruptRecords(boolean skip) {
      this.skipCorruptRecords = skip;
      return this;
    }

    /**
     * The source of timestamps (epoch milliseconds) of events and of the history's age limit;
     * default the system clock. Event timestamps of a group are still made strictly increasing.
     *
     * @param clock the clock; not null
     * @return this builder
     */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How many recent events each group keeps in memory so that a subscriber reconnecting with
     * {@code since} is replayed what it missed instead of re-synchronized; default 1 000 events or
     * 5 minutes. {@code maxEvents = 0} keeps none. History is not persisted: after a restart
     * subscribers re-synchronize.
     *
     * @param maxEvents events kept per group, at least 0
     * @param maxAge the age beyond which events are no longer kept; not null, not negative
     * @return this builder
     */
    public Builder history(int maxEvents, Duration maxAge) {
      try {
        this.history = new EventHistory.Limits(maxEvents, maxAge);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw invalid("history: " + e.getMessage());
      }
      return this;
    }

    /**
     * Opens (creating or recovering) the directory: takes its lock (held until the store is closed;
     * the engine closes it on {@code StreamEngine.close()}), loads the latest snapshot, replays the
     * log and cuts a torn record at its end.
     *
     * @return the open store, to pass to {@code StreamEngine.Builder.storage}
     * @throws StreamException with code {@link #STORAGE_OPEN_ERROR} naming the path (and file and
     *     byte offset of a corrupt record, or the holder of the lock)
     */
    public StorageAdapter build() {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw openError("kv store path " + dir + " is not a directory", null);
      }
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw openError("cannot create the kv store directory " + dir + ": " + e, e);
      }
      if (!Files.isWritable(dir)) {
        throw openError("kv store directory " + dir + " is not writable", null);
      }
      DirLock lock = DirLock.acquire(dir);
      try {
        return new FileStorage(
            this,
            Recovery.recover(dir, skipCorruptRecords, () -> new GroupTable(clock, history)),
            lock);
      } catch (IOException e) {
        lock.close();
        throw openError("cannot open the kv store in " + dir + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        lock.close();
        throw e;
      }
    }

    Path dir() {
      return dir;
    }

    Fsync fsync() {
      return fsync;
    }

    Duration batchInterval() {
      return batchInterval;
    }

    long segmentSize() {
      return segmentSize;
    }

    long compactionThreshold() {
      return compactionThreshold;
    }

    LongSupplier clock() {
      return clock;
    }

    EventHistory.Limits history() {
      return history;
    }

    private static StreamException invalid(String message) {
      return new StreamException(StreamException.INVALID_ARGUMENT, message);
    }
  }
}
