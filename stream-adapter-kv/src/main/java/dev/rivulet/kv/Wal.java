package dev.rivulet.kv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log with group commit. Writers copy their framed record into a shared buffer and
 * wait; one I/O thread ({@code rivulet-kv-wal}) writes everything buffered with one {@code write}
 * and, with {@link KvAdapter.Fsync#ALWAYS}, one {@code force(false)} (fdatasync) for the whole
 * batch, then wakes the writers. All file I/O happens on that thread, so an interrupted writer can
 * never close the channel. Any I/O failure poisons the log: every waiting and later write fails.
 */
final class Wal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private final Path dir;
  private final KvAdapter.Fsync mode;
  private final long batchNanos;
  private final long segmentSize;
  private final Runnable compactionHint;
  private final long compactionThreshold;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition done = lock.newCondition();
  // guarded by lock
  private Buf pending = new Buf();
  private Buf spare = new Buf();
  private List<Thread> pendingWaiters = new ArrayList<>();
  private List<Thread> spareWaiters = new ArrayList<>();
  private long appended;
  // written under lock by the I/O thread; writers poll them without the lock while parked
  private volatile long written;
  private volatile long durable;
  private volatile IOException failure;
  private volatile boolean finished;
  private boolean closing;

  /** The writers of the batch being written (I/O thread only). */
  private List<Thread> inFlightWaiters = List.of();

  private long rollsRequested;
  private long rollsDone;
  private long rolledTo;

  // owned by the I/O thread
  private FileChannel channel;
  private long segment;
  private long segmentBytes;
  private long lastForce = System.nanoTime();

  private final AtomicLong bytesSinceSnapshot = new AtomicLong();
  private final AtomicLong maxRollNanos = new AtomicLong();
  private final Thread thread;

  Wal(
      Path dir,
      long firstSegment,
      KvAdapter.Fsync mode,
      long batchNanos,
      long segmentSize,
      long compactionThreshold,
      Runnable compactionHint)
      throws IOException {
    this.dir = dir;
    this.mode = mode;
    this.batchNanos = batchNanos;
    this.segmentSize = segmentSize;
    this.compactionThreshold = compactionThreshold;
    this.compactionHint = compactionHint;
    this.segment = firstSegment;
    this.channel =
        FileChannel.open(
            Layout.segment(dir, firstSegment),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    Layout.syncDirectory(dir);
    this.thread = new Thread(this::run, "rivulet-kv-wal");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Appends one framed record and returns once it is written (and, with {@code ALWAYS}, durable).
   *
   * @throws IOException when it could not be persisted; nothing of it was acknowledged
   */
  void write(byte[] record) throws IOException {
    long lsn;
    lock.lock();
    try {
      if (failure != null) {
        throw new IOException("the log failed earlier: " + failure.getMessage(), failure);
      }
      if (closing) {
        throw new IOException("the store is closed");
      }
      pending.add(record);
      appended += record.length;
      lsn = appended;
      pendingWaiters.add(Thread.currentThread());
      work.signal();
    } finally {
      lock.unlock();
    }
    // Park until the I/O thread unparks this batch's writers: no lock convoy on wake-up.
    while ((mode == KvAdapter.Fsync.ALWAYS ? durable : written) < lsn) {
      IOException failed = failure;
      if (failed != null) {
        throw new IOException(failed.getMessage(), failed);
      }
      if (finished) {
        throw new IOException("the store was closed before the write completed");
      }
      LockSupport.park(this);
    }
  }

  /**
   * Switches to a fresh segment once everything appended so far is written and durable; returns the
   * new segment's number. Everything before it is in lower segments.
   */
  long rollForSnapshot() throws IOException, InterruptedException {
    lock.lock();
    try {
      long ticket = ++rollsRequested;
      work.signal();
      while (rollsDone < ticket) {
        if (failure != null) {
          throw new IOException(failure.getMessage(), failure);
        }
        if (finished) {
          throw new IOException("the store is closed");
        }
        done.await();
      }
      return rolledTo;
    } finally {
      lock.unlock();
    }
  }

  long maxRollNanos() {
    return maxRollNanos.get();
  }

  /** Drains and forces everything buffered, then closes the file; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      work.signal();
    } finally {
      lock.unlock();
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

  private void run() {
    try {
      loop();
    } catch (IOException | RuntimeException e) {
      IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
      LOG.error("kv log in {} failed; no further writes are accepted", dir, e);
      List<Thread> waiting;
      lock.lock();
      try {
        failure = io;
        finished = true;
        done.signalAll();
        waiting = new ArrayList<>(pendingWaiters);
      } finally {
        lock.unlock();
      }
      waiting.addAll(inFlightWaiters);
      waiting.forEach(LockSupport::unpark);
      closeQuietly();
    }
  }

  private void loop() throws IOException {
    while (true) {
      Buf batch;
      long batchEnd;
      boolean roll;
      boolean closeNow;
      boolean drained;
      lock.lock();
      try {
        while (pending.size == 0 && rollsRequested == rollsDone && !closing && !batchForceDue()) {
          if (mode == KvAdapter.Fsync.BATCH && written > durable) {
            work.awaitNanos(Math.max(1, batchNanos - (System.nanoTime() - lastForce)));
          } else {
            work.awaitUninterruptibly();
          }
        }
        batch = pending;
        pending = spare;
        spare = null;
        inFlightWaiters = pendingWaiters;
        pendingWaiters = spareWaiters;
        spareWaiters = null;
        batchEnd = appended;
        roll = rollsRequested != rollsDone;
        closeNow = closing;
      } catch (InterruptedException e) {
        throw new IOException("kv log thread interrupted", e);
      } finally {
        lock.unlock();
      }
      if (batch.size > 0) {
        if (segmentBytes > 0 && segmentBytes + batch.size > segmentSize) {
          rollSegment();
        }
        ByteBuffer buf = ByteBuffer.wrap(batch.bytes, 0, batch.size);
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
        segmentBytes += batch.size;
      }
      boolean force =
          closeNow
              || roll
              || (mode == KvAdapter.Fsync.ALWAYS && batch.size > 0)
              || batchForceDueUnlocked(batchEnd);
      if (force) {
        channel.force(false);
        lastForce = System.nanoTime();
      }
      long newSegment = -1;
      if (roll) {
        long start = System.nanoTime();
        newSegment = rollSegment();
        maxRollNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        bytesSinceSnapshot.set(0);
      } else if (bytesSinceSnapshot.addAndGet(batch.size) > compactionThreshold) {
        compactionHint.run();
      }
      lock.lock();
      try {
        written = batchEnd;
        if (force) {
          durable = batchEnd;
        }
        if (roll) {
          rolledTo = newSegment;
          rollsDone = rollsRequested;
        }
        batch.size = 0;
        spare = batch;
        drained = closeNow && pending.size == 0;
        if (drained) {
          finished = true;
        }
        if (roll || drained) {
          done.signalAll(); // only snapshot rolls wait on the condition; writers are unparked
        }
      } finally {
        lock.unlock();
      }
      List<Thread> woken = inFlightWaiters;
      woken.forEach(LockSupport::unpark);
      woken.clear();
      inFlightWaiters = List.of();
      lock.lock();
      try {
        spareWaiters = woken;
      } finally {
        lock.unlock();
      }
      if (drained) {
        break;
      }
    }
    channel.close();
  }

  /** Caller holds the lock. */
  private boolean batchForceDue() {
    return mode == KvAdapter.Fsync.BATCH
        && written > durable
        && System.nanoTime() - lastForce >= batchNanos;
  }

  /** Called by the I/O thread, the only writer of {@code durable}. */
  private boolean batchForceDueUnlocked(long batchEnd) {
    return mode == KvAdapter.Fsync.BATCH
        && batchEnd > durable
        && System.nanoTime() - lastForce >= batchNanos;
  }

  /** Forces the current segment, starts the next one and returns its number. */
  private long rollSegment() throws IOException {
    channel.force(false);
    long next = segment + 1;
    FileChannel fresh =
        FileChannel.open(
            Layout.segment(dir, next), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Layout.syncDirectory(dir);
    channel.close();
    channel = fresh;
    segment = next;
    segmentBytes = 0;
    lock.lock();
    try {
      durable = Math.max(durable, written);
    } finally {
      lock.unlock();
    }
    return next;
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("closing {} failed", Layout.segment(dir, segment), e);
    }
  }

  /** A growable byte array. */
  private static final class Buf {
    byte[] bytes = new byte[64 * 1024];
    int size;

    void add(byte[] record) {
      if (size + record.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + record.length));
      }
      System.arraycopy(record, 0, bytes, size, record.length);
      size += record.length;
    }
  }

  static long toNanos(java.time.Duration d) {
    return TimeUnit.NANOSECONDS.convert(d);
  }
}
