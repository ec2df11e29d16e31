package dev.rivulet.kv;

import dev.rivulet.internal.store.GroupTable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction on the thread {@code rivulet-kv-compactor}: switch the log to a fresh
 * segment n, copy every group under its monitor (one group at a time, so writers pause only for the
 * copy of their own group's item references; the group's writes whose records are already in the
 * log, durable but not yet applied, are applied first, since the segments they are in go away),
 * write {@code snapshot-n} through a temp file, force and rename it, record it in the {@link
 * Manifest}, then delete the segments and snapshots below n. A crash at any step leaves either the
 * old snapshot with all its segments or the new one: recovery is consistent either way. A failed
 * compaction (a full disk) is retried after a backoff of {@link #FIRST_RETRY_NANOS} doubling to
 * {@link #MAX_RETRY_NANOS}, reset by a success; the log is kept meanwhile.
 */
final class Compactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Path dir;
  private final GroupTable table;
  private final Function<GroupTable.Group, Snapshots.Group> copier;
  private final Manifest manifest;
  private final Object signal = new Object();
  private final Object running = new Object();
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong maxGroupCopyNanos = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  // guarded by signal
  private boolean hinted;
  private boolean stopped;
  private boolean backingOff;
  private long retryAt;
  private long retryDelay = FIRST_RETRY_NANOS;
  private Wal wal;
  private Thread thread;

  /**
   * A compactor of {@code table}; {@code copier} copies one group under its monitor, with every
   * change whose record is already in the log applied.
   */
  Compactor(
      Path dir,
      GroupTable table,
      Function<GroupTable.Group, Snapshots.Group> copier,
      Manifest manifest) {
    this.dir = dir;
    this.table = table;
    this.copier = copier;
    this.manifest = manifest;
  }

  void start(Wal log) {
    this.wal = log;
    thread = new Thread(this::run, "rivulet-kv-compactor");
    thread.setDaemon(true);
    thread.start();
  }

  /** The log grew past the threshold: compact soon. */
  void hint() {
    synchronized (signal) {
      hinted = true;
      signal.notifyAll();
    }
  }

  long compactions() {
    return compactions.get();
  }

  /** Compactions that failed (and were retried after a backoff). */
  long failures() {
    return failures.get();
  }

  /** The longest time one group's monitor was held to copy it. */
  long maxGroupCopyNanos() {
    return maxGroupCopyNanos.get();
  }

  private void run() {
    while (true) {
      synchronized (signal) {
        try {
          while (!stopped && (!hinted || (backingOff && System.nanoTime() - retryAt < 0))) {
            if (hinted) {
              TimeUnit.NANOSECONDS.timedWait(signal, Math.max(1, retryAt - System.nanoTime()));
            } else {
              signal.wait();
            }
          }
        } catch (InterruptedException e) {
          return;
        }
        if (stopped) {
          return;
        }
        hinted = false;
      }
      try {
        compact();
        synchronized (signal) {
          backingOff = false;
          retryDelay = FIRST_RETRY_NANOS;
        }
      } catch (IOException | RuntimeException e) {
        failures.incrementAndGet();
        long delay;
        synchronized (signal) {
          delay = retryDelay;
          retryDelay = Math.min(delay * 2, MAX_RETRY_NANOS);
          retryAt = System.nanoTime() + delay;
          backingOff = true;
          hinted = true; // the log is still long: try again after the backoff
        }
        LOG.warn(
            "kv compaction in {} failed; the log is kept, retrying in {} ms: {}",
            dir,
            TimeUnit.NANOSECONDS.toMillis(delay),
            e.toString());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Runs one compaction; returns the segment number the new snapshot starts at. */
  long compact() throws IOException, InterruptedException {
    synchronized (running) {
      long segment = wal.rollForSnapshot();
      List<Snapshots.Group> copies = new ArrayList<>();
      table.forEachGroup(
          g -> {
            long start = System.nanoTime(); // the pause writers of g see: the copy itself
            Snapshots.Group copy = copier.apply(g);
            maxGroupCopyNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            if (copy.snapshot().seq() > 0) {
              copies.add(copy);
            }
          });
      Snapshots.write(dir, segment, copies);
      try {
        manifest.snapshotTaken(segment);
      } catch (IOException e) {
        Files.deleteIfExists(Layout.snapshot(dir, segment)); // unlisted: it would only hold space
        throw e;
      }
      deleteBelow(segment);
      compactions.incrementAndGet();
      return segment;
    }
  }

  private void deleteBelow(long segment) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        long seg = Layout.segmentNumber(name);
        long snap = Layout.snapshotNumber(name);
        if ((seg >= 0 && seg < segment) || (snap >= 0 && snap < segment)) {
          Files.deleteIfExists(p);
        }
      }
    }
    Layout.syncDirectory(dir);
  }

  /** Stops the thread after a compaction in progress finished; idempotent. */
  @Override
  public void close() {
    synchronized (signal) {
      stopped = true;
      signal.notifyAll();
    }
    if (thread == null) {
      return;
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
