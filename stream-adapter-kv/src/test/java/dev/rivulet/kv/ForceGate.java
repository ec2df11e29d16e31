package dev.rivulet.kv;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds the log's next force (fdatasync) on the I/O thread until {@link #release}d: while it is
 * held, the batch being forced is not durable and every later record waits behind it. With {@code
 * fail}, the held force then fails like a full disk would.
 */
final class ForceGate implements Wal.IoHook {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicBoolean used = new AtomicBoolean();
  private final boolean fail;

  private ForceGate(boolean fail) {
    this.fail = fail;
  }

  /** Installs a gate on {@code store}'s log that holds its next force. */
  static ForceGate hold(FileStorage store) {
    return install(store, false);
  }

  /** Installs a gate that holds the next force and then fails it. */
  static ForceGate holdThenFail(FileStorage store) {
    return install(store, true);
  }

  private static ForceGate install(FileStorage store, boolean fail) {
    ForceGate gate = new ForceGate(fail);
    store.wal().beforeForce = gate;
    return gate;
  }

  @Override
  public void run() throws IOException {
    if (!used.compareAndSet(false, true)) {
      return; // only the first force is held
    }
    entered.countDown();
    try {
      if (!released.await(30, TimeUnit.SECONDS)) {
        throw new IOException("force gate never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (fail) {
      throw new IOException("injected: the force failed");
    }
  }

  /** Waits until the I/O thread is held in the force. */
  void awaitHeld() throws InterruptedException {
    if (!entered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no force was held");
    }
  }

  void release() {
    released.countDown();
  }
}
