package dev.rivulet.kv;

import dev.rivulet.internal.store.TableStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
 * get a {@link Waiter} back at once ({@link #append}); one I/O thread ({@code rivulet-kv-wal})
 * writes everything buffered with one {@code write} and, with {@link KvAdapter.Fsync#ALWAYS}, one
 * {@code force(false)} (fdatasync) for the whole batch, then completes the batch's waiters in the
 * order their records were appended (so when a record is done, every record appended before it is
 * done too). All file I/O happens on that thread, so an interrupted writer can never close the
 * channel.
 *
 * <p>A batch whose write or force fails (a full disk, an I/O error) fails as a whole: each of its
 * writers gets the error and the file is cut back to the end of the last good batch, so no torn or
 * unacknowledged record stays in it. The records appended meanwhile (the next batch) fail with it,
 * so no record that follows a failed one ever reaches the file. For {@link #RETRY_AFTER_NANOS}
 * after that, new writes fail at once; the next write after it first repairs the log (cut back,
 * force) and then goes on, so the log recovers by itself once the cause is gone. Acknowledged
 * records are never cut.
 */
final class Wal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  /** After a failed write, later writes fail at once for this long before the log retries. */
  static final long RETRY_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** The longest a batch waits for the writers of the previous one to append again. */
  static final long MAX_GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  private final Path dir;
  private final Manifest manifest;
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
  private List<Waiter> pendingWaiters = new ArrayList<>();
  private List<Waiter> spareWaiters = new ArrayList<>();
  private boolean closing;
  private boolean finished;
  private IOException failure; // the last failed write while the log is not repaired, else null
  private long retryAt; // System.nanoTime() from which writes are tried again after a failure
  private long rollsRequested;
  private long rollsDone;
  private long rolledTo;
  private long rollFailedTicket;
  private IOException rollFailure;

  // owned by the I/O thread
  private List<Waiter> inFlight = List.of();
  private FileChannel channel;
  private long segment;
  private long segmentBytes; // the end of the last good batch in the current segment
  private boolean broken; // bytes past segmentBytes may be in the file
  private boolean unforced; // BATCH / OFF: good bytes not yet forced
  private long lastForce = System.nanoTime();
  private long lastForceNanos; // how long the last batch's force took
  private int lastBatchRecords; // records in the last batch

  private final AtomicLong bytesSinceSnapshot = new AtomicLong();
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong forces = new AtomicLong();

  /** Test hook: runs on the I/O thread before each batch's force; may block or throw. */
  volatile IoHook beforeForce;

  private final AtomicLong maxRollNanos = new AtomicLong();
  private final Thread thread;

  Wal(
      Path dir,
      Manifest manifest,
      KvAdapter.Fsync mode,
      long batchNanos,
      long segmentSize,
      long compactionThreshold,
      Runnable compactionHint)
      throws IOException {
    this.dir = dir;
    this.manifest = manifest;
    this.mode = mode;
    this.batchNanos = batchNanos;
    this.segmentSize = segmentSize;
    this.compactionThreshold = compactionThreshold;
    this.compactionHint = compactionHint;
    this.segment = manifest.state().nextSegment();
    this.channel = createSegment(segment);
    this.thread = new Thread(this::run, "rivulet-kv-wal");
    thread.setDaemon(true);
    thread.start();
  }

  /** Something the I/O thread runs that may fail (a test hook). */
  @FunctionalInterface
  interface IoHook {
    void run() throws IOException;
  }

  /**
   * One appended record: done once it is written and, per the fsync mode, forced, or failed. The
   * appending thread parks ({@code LockSupport}); any other thread waits on the waiter's monitor.
   */
  static final class Waiter implements TableStore.Durability {
    private final Thread owner = Thread.currentThread();
    private volatile boolean done;
    private volatile boolean shared; // a thread other than the owner waits
    private volatile IOException error;

    @Override
    public boolean done() {
      return done;
    }

    @Override
    public IOException failure() {
      return error;
    }

    @Override
    public void await() {
      if (Thread.currentThread() == owner) {
        while (!done) { // park until the I/O thread unparks the batch: no lock convoy on wake-up
          LockSupport.park(this);
        }
        return;
      }
      shared = true;
      boolean interrupted = false;
      synchronized (this) {
        while (!done) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    void complete(IOException failure) {
      error = failure;
      done = true;
      LockSupport.unpark(owner);
      if (shared) {
        synchronized (this) {
          notifyAll();
        }
      }
    }
  }

  /**
   * Appends one framed record and returns once it is written (and, with {@code ALWAYS}, durable).
   *
   * @throws IOException when it could not be persisted; nothing of it was acknowledged and nothing
   *     of it stays in the log
   */
  void write(byte[] record) throws IOException {
    Waiter me = append(record);
    me.await();
    IOException failed = me.failure();
    if (failed != null) {
      throw new IOException(failed.getMessage(), failed);
    }
  }

  /**
   * Appends one framed record to the next batch without waiting: the returned waiter is done once
   * the record is written (and, with {@code ALWAYS}, durable) or failed.
   *
   * @throws IOException when the log takes no records now (closed, or failed moments ago)
   */
  Waiter append(byte[] record) throws IOException {
    Waiter me = new Waiter();
    lock.lock();
    try {
      if (closing || finished) {
        throw new IOException("the store is closed");
      }
      if (failure != null && System.nanoTime() - retryAt < 0) {
        throw new IOException(
            "the kv log failed to write moments ago ("
                + failure.getMessage()
                + "); writes fail at once for "
                + TimeUnit.NANOSECONDS.toMillis(RETRY_AFTER_NANOS)
                + " ms, then the log retries",
            failure);
      }
      pending.add(record);
      pendingWaiters.add(me);
      appended.incrementAndGet();
      work.signal();
    } finally {
      lock.unlock();
    }
    return me;
  }

  /** Records appended so far (tests). */
  long appended() {
    return appended.get();
  }

  /** Batches forced so far, each one fdatasync (tests, benchmarks). */
  long forces() {
    return forces.get();
  }

  /**
   * Switches to a fresh segment once everything appended so far is written and durable; returns the
   * new segment's number. Everything before it is in lower segments.
   */
  long rollForSnapshot() throws IOException, InterruptedException {
    lock.lock();
    try {
      if (closing || finished) {
        throw new IOException("the store is closed");
      }
      long ticket = ++rollsRequested;
      work.signal();
      while (rollsDone < ticket) {
        if (finished) {
          throw new IOException("the store is closed");
        }
        done.await();
      }
      if (rollFailedTicket == ticket) {
        throw new IOException(
            "could not switch the kv log to a new segment: " + rollFailure.getMessage(),
            rollFailure);
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
    } catch (RuntimeException | Error e) {
      LOG.error("kv log thread in {} failed; no further writes are accepted", dir, e);
      IOException io = new IOException("the kv log thread failed: " + e, e);
      List<Waiter> waiting = new ArrayList<>(inFlight);
      lock.lock();
      try {
        finished = true;
        rollFailure = io;
        rollFailedTicket = rollsRequested;
        rollsDone = rollsRequested;
        done.signalAll();
        waiting.addAll(pendingWaiters);
        pendingWaiters.clear();
      } finally {
        lock.unlock();
      }
      complete(waiting, io);
    }
    closeQuietly(channel);
  }

  private void loop() {
    while (true) {
      Buf batch;
      long rollTicket;
      boolean closeNow;
      lock.lock();
      try {
        while (pending.size == 0 && rollsRequested == rollsDone && !closing && !forceDue()) {
          if (mode == KvAdapter.Fsync.BATCH && unforced) {
            work.awaitNanos(Math.max(1, nextForceAt() - System.nanoTime()));
          } else {
            work.awaitUninterruptibly();
          }
        }
        gather();
        batch = pending;
        pending = spare;
        spare = null;
        inFlight = pendingWaiters;
        pendingWaiters = spareWaiters;
        spareWaiters = null;
        rollTicket = rollsRequested != rollsDone ? rollsRequested : 0;
        closeNow = closing;
      } catch (InterruptedException e) {
        continue; // nobody interrupts this thread; the flag is cleared, wait again
      } finally {
        lock.unlock();
      }
      IOException error = null;
      try {
        writeBatch(batch, closeNow || rollTicket > 0);
      } catch (IOException e) {
        error = e;
        failed(e);
      }
      IOException rollError = error;
      long newSegment = -1;
      if (rollTicket > 0 && error == null) {
        long start = System.nanoTime();
        try {
          newSegment = rollSegment();
          maxRollNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
          bytesSinceSnapshot.set(0);
        } catch (IOException e) {
          rollError = e; // the current segment is intact: only the roll failed
        }
      } else if (error == null && bytesSinceSnapshot.addAndGet(batch.size) > compactionThreshold) {
        compactionHint.run();
      }
      List<Waiter> woken = inFlight;
      inFlight = List.of();
      lastBatchRecords = woken.size();
      complete(woken, error);
      woken.clear();
      boolean drained;
      List<Waiter> cancelled = List.of();
      lock.lock();
      try {
        if (error != null) {
          failure = error;
          retryAt = System.nanoTime() + RETRY_AFTER_NANOS;
          cancelled = pendingWaiters; // appended behind the failed batch: they fail with it
          pendingWaiters = new ArrayList<>();
          pending.size = 0;
        } else if (failure != null) {
          failure = null;
          LOG.info("kv log {} repaired: writes go on", Layout.segment(dir, segment));
        }
        if (rollTicket > 0) {
          rollsDone = rollTicket;
          rolledTo = newSegment;
          if (rollError != null) {
            rollFailure = rollError;
            rollFailedTicket = rollTicket;
          }
        }
        batch.size = 0;
        spare = batch;
        spareWaiters = woken;
        drained = closeNow && pending.size == 0;
        if (drained) {
          finished = true;
        }
        if (rollTicket > 0 || drained) {
          done.signalAll(); // only snapshot rolls wait on the condition; writers are unparked
        }
      } finally {
        lock.unlock();
      }
      complete(cancelled, error);
      if (drained) {
        return;
      }
    }
  }

  /**
   * Repairs the log if a batch failed before, writes the batch and forces it per the fsync mode (or
   * always, with {@code forceAll}). Only on success does the batch count as good.
   */
  private void writeBatch(Buf batch, boolean forceAll) throws IOException {
    if (broken) {
      repair();
    }
    if (batch.size > 0) {
      if (segmentBytes > 0 && segmentBytes + batch.size > segmentSize) {
        rollSegment();
      }
      ByteBuffer buf = ByteBuffer.wrap(batch.bytes, 0, batch.size);
      broken = true; // until the batch is complete (and forced when the mode asks for it)
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    }
    boolean force =
        forceAll
            || (mode == KvAdapter.Fsync.ALWAYS && batch.size > 0)
            || (mode == KvAdapter.Fsync.BATCH
                && (unforced || batch.size > 0)
                && System.nanoTime() - lastForce >= batchNanos);
    if (force) {
      IoHook hook = beforeForce;
      if (hook != null) {
        hook.run();
      }
      long start = System.nanoTime();
      channel.force(false);
      forces.incrementAndGet();
      lastForce = System.nanoTime();
      lastForceNanos = lastForce - start;
    }
    segmentBytes += batch.size;
    broken = false;
    unforced = !force && (unforced || batch.size > 0);
  }

  /** A batch failed: log it and cut the file back now if possible (else before the next write). */
  private void failed(IOException e) {
    if (failureLogged()) {
      LOG.debug("kv log {} still cannot write: {}", Layout.segment(dir, segment), e.toString());
    } else {
      LOG.error(
          "kv log {} could not write a batch; its writers get the error, writes fail at once for"
              + " {} ms, then the log retries",
          Layout.segment(dir, segment),
          TimeUnit.NANOSECONDS.toMillis(RETRY_AFTER_NANOS),
          e);
    }
    broken = true;
    try {
      repair();
    } catch (IOException again) {
      LOG.debug("kv log {} cannot be cut back yet: {}", Layout.segment(dir, segment), again);
    }
  }

  private boolean failureLogged() {
    lock.lock();
    try {
      return failure != null;
    } finally {
      lock.unlock();
    }
  }

  /** Cuts the current segment back to the end of the last good batch, durably. */
  private void repair() throws IOException {
    channel.truncate(segmentBytes);
    channel.position(segmentBytes);
    channel.force(true); // the new length too: no cut record may come back after a crash
    broken = false;
    LOG.debug(
        "kv log {} cut back to byte offset {} (the end of the last good write)",
        Layout.segment(dir, segment),
        segmentBytes);
  }

  /**
   * With {@code ALWAYS}, before a batch is taken: lets the writers the last batch released append
   * again, waiting until as many records as that batch had are buffered, but no longer than a
   * quarter of the last fsync (at most {@link #MAX_GATHER_NANOS}). Without it the first writer back
   * makes a batch of one while the others queue behind its fsync, and batches alternate between one
   * record and the rest. A lone writer (a batch of one) never waits. Caller holds the lock.
   */
  private void gather() throws InterruptedException {
    if (mode != KvAdapter.Fsync.ALWAYS || lastBatchRecords <= 1) {
      return;
    }
    long deadline = System.nanoTime() + Math.min(lastForceNanos / 4, MAX_GATHER_NANOS);
    while (pendingWaiters.size() < lastBatchRecords
        && !closing
        && rollsRequested == rollsDone
        && deadline - System.nanoTime() > 0) {
      work.awaitNanos(deadline - System.nanoTime());
    }
  }

  /** Caller holds the lock. */
  private boolean forceDue() {
    return mode == KvAdapter.Fsync.BATCH && unforced && System.nanoTime() - nextForceAt() >= 0;
  }

  /** Caller holds the lock: after a failure the next try waits for the retry time. */
  private long nextForceAt() {
    long due = lastForce + batchNanos;
    return failure != null && retryAt - due > 0 ? retryAt : due;
  }

  /** Forces the current segment, starts the next one and returns its number. */
  private long rollSegment() throws IOException {
    channel.force(false);
    long next = segment + 1;
    FileChannel fresh = createSegment(next);
    closeQuietly(channel);
    channel = fresh;
    segment = next;
    segmentBytes = 0;
    unforced = false;
    return next;
  }

  /**
   * Creates segment {@code n} and records it in the manifest before anything is written to it. A
   * segment above the manifest's last one never holds data, so a file left by a failed attempt is
   * reused; on failure the new file is removed again.
   */
  private FileChannel createSegment(long n) throws IOException {
    Path file = Layout.segment(dir, n);
    FileChannel fresh =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    try {
      Layout.syncDirectory(dir);
      manifest.segmentAdded(n);
      return fresh;
    } catch (IOException | RuntimeException e) {
      closeQuietly(fresh);
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Completes the waiters in the order their records were appended. */
  private static void complete(List<Waiter> waiters, IOException error) {
    for (Waiter w : waiters) {
      w.complete(error);
    }
  }

  private void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.warn("closing a log segment in {} failed", dir, e);
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
