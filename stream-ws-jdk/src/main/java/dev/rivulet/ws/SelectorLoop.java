package dev.rivulet.ws;

import dev.rivulet.internal.DeliveryPass;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread ({@code rivulet-ws-selector-N}): reads, decodes and writes its connections,
 * runs tasks posted from other threads, and once a tick checks idle and closing deadlines. Other
 * threads never touch a channel; they queue output and ask for a flush.
 */
final class SelectorLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SelectorLoop.class);
  private static final long TICK_NANOS = 250_000_000L;

  final Selector selector;
  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /**
   * Connections waiting for a flush, as a lock-free stack linked through {@link
   * Connection#nextFlush} (no allocation per request; a connection is in it at most once, guarded
   * by its flush flag). The loop takes the whole stack at once, so every connection a delivery pass
   * scheduled meanwhile is written in one sweep, and only the push onto an empty stack wakes the
   * selector.
   */
  private final AtomicReference<Connection> flushes = new AtomicReference<>();

  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final LongAdder wakeups = new LongAdder();

  /** {@link #wakeup} as one object, so a pass defers it once however many connections it fed. */
  private final Runnable wakeupTask = this::wakeup;

  private final Set<Connection> connections = new HashSet<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.comparingLong(Timer::at).thenComparingLong(Timer::seq));
  private long timerSeq;
  private volatile boolean running = true;
  private long nextTick;

  SelectorLoop(String name) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on this loop's thread (at once when already on it). */
  void execute(Runnable task) {
    if (inLoop()) {
      task.run();
    } else {
      tasks.add(task);
      wakeup();
    }
  }

  /**
   * Schedules {@code connection.flush()} on this loop; at most once until that flush starts. Only a
   * push onto an empty stack needs a wakeup, and none when this loop's own thread pushes (it sweeps
   * the stack before it selects again). Inside a {@link DeliveryPass} (an engine lane handing one
   * event to every subscriber of its group) the wakeup waits for the end of the pass, so the whole
   * pass costs one wakeup and the loop finds every connection of it on the stack at once; outside a
   * pass (a sync, an answer, an isolated send) the loop is woken at once.
   */
  void requestFlush(Connection connection) {
    Connection head;
    do {
      head = flushes.get();
      connection.nextFlush = head;
    } while (!flushes.compareAndSet(head, connection));
    if (head == null && !inLoop() && !DeliveryPass.defer(wakeupTask)) {
      wakeup();
    }
  }

  private void wakeup() {
    if (wakeupPending.compareAndSet(false, true)) {
      wakeups.increment();
      selector.wakeup();
    }
  }

  /** How often another thread woke this loop's selector (tests, benchmarks). */
  long wakeups() {
    return wakeups.sum();
  }

  void add(Connection connection) {
    connections.add(connection);
  }

  void remove(Connection connection) {
    connections.remove(connection);
  }

  /** A snapshot of this loop's connections; call on the loop thread. */
  List<Connection> connections() {
    return new ArrayList<>(connections);
  }

  @Override
  public void run() {
    nextTick = System.nanoTime() + TICK_NANOS;
    while (running) {
      try {
        long wake = timers.isEmpty() ? nextTick : Math.min(nextTick, timers.peek().at());
        selector.select(Math.max(1, (wake - System.nanoTime()) / 1_000_000));
        wakeupPending.set(false);
        Set<SelectionKey> keys = selector.selectedKeys();
        for (Iterator<SelectionKey> it = keys.iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          if (key.attachment() instanceof SelectorTask task) {
            try {
              task.ready(key);
            } catch (Throwable e) { // never let one key kill the loop
              failed(task, e);
            }
          }
        }
        runTasks();
        runTimers();
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          nextTick = now + TICK_NANOS;
          for (Connection c : connections()) {
            c.tick(now);
          }
          runTasks(); // pings queued by the ticks
        }
      } catch (ClosedSelectorException e) {
        break;
      } catch (Throwable e) { // IOException, RuntimeException, even OutOfMemoryError: keep serving
        LOG.error("selector loop error", e);
      }
    }
    for (Connection c : connections()) {
      c.terminate();
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("closing selector", e);
    }
  }

  private void runTasks() {
    for (int round = 0; round < 1_000; round++) {
      boolean any = false;
      for (int i = 0; i < 1_000; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        any = true;
        try {
          task.run();
        } catch (Throwable e) {
          LOG.error("selector task failed", e);
        }
      }
      Connection c = reversed(flushes.getAndSet(null));
      any |= c != null;
      while (c != null) {
        Connection next = c.nextFlush; // read first: the flush may schedule c again
        c.nextFlush = null;
        try {
          c.flush();
        } catch (Throwable e) {
          c.failed(e);
        }
        c = next;
      }
      if (!any) {
        return;
      }
    }
  }

  private static void failed(SelectorTask task, Throwable e) {
    if (task instanceof Connection c) {
      c.failed(e);
    } else {
      LOG.error("selector task failed", e);
    }
  }

  /** Runs {@code task} on this loop after {@code delayNanos} (call on the loop thread). */
  void schedule(long delayNanos, Runnable task) {
    timers.add(new Timer(System.nanoTime() + delayNanos, timerSeq++, task));
  }

  private void runTimers() {
    long now = System.nanoTime();
    while (!timers.isEmpty() && now - timers.peek().at() >= 0) {
      Runnable task = timers.poll().task();
      try {
        task.run();
      } catch (Throwable e) {
        LOG.error("selector timer failed", e);
      }
    }
  }

  private record Timer(long at, long seq, Runnable task) {}

  /** The taken stack in request order. */
  private static Connection reversed(Connection head) {
    Connection prev = null;
    while (head != null) {
      Connection next = head.nextFlush;
      head.nextFlush = prev;
      prev = head;
      head = next;
    }
    return prev;
  }

  /** Stops the loop (its connections are closed without a handshake); joins the thread. */
  void stop() {
    running = false;
    selector.wakeup();
    if (!inLoop()) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Something registered on the selector. */
  interface SelectorTask {
    void ready(SelectionKey key);
  }
}
