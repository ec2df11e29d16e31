package dev.rivulet.redis;

import dev.rivulet.spi.GroupKey;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The ordering barrier of one instance's writes per group: writes of a group run their scripts
 * concurrently (overlapping on the wire, on different pooled connections), yet their commit
 * listeners run one at a time and in {@code seq} order, each before its write returns.
 *
 * <p>A writer takes a ticket ({@link #begin}) right before sending its script. When its reply (with
 * the seq Redis assigned) is back, it records the highest ticket issued so far, its
 * <em>watermark</em>: only writers with a ticket up to the watermark can have run their script
 * before its own (a later ticket was sent after this reply arrived, so Redis ran it later and gave
 * it a higher seq). A waiting commit is <em>due</em> when it has the lowest seq of the waiting ones
 * and either its seq directly follows the last one whose listener ran (nothing can be missing in
 * between) or no write with a ticket up to its watermark is still without a reply. A write that
 * fails or commits nothing calls {@link #abandon}.
 *
 * <p>Combining: whoever changes the state (a reply, an abandon) and finds no listener running
 * becomes the group's drainer and runs every due listener in order, its own or other writers', then
 * wakes their writers; so a hot group needs no hand-off per commit. Other instances' writes need no
 * local ordering: their events come in order from Redis.
 */
final class CommitOrder {
  private static final class Pending {
    final long watermark;
    final Runnable call;
    final Thread owner = Thread.currentThread();
    volatile boolean done;
    Throwable failure;

    Pending(long watermark, Runnable call) {
      this.watermark = watermark;
      this.call = call;
    }
  }

  private static final class Lane {
    long issued;
    long lastRun;
    int users;
    boolean draining;
    final TreeSet<Long> inFlight = new TreeSet<>();
    final TreeMap<Long, Pending> waiting = new TreeMap<>();

    /** The next due commit, removed from the waiting ones; caller holds the monitor. */
    Map.Entry<Long, Pending> takeDue() {
      Map.Entry<Long, Pending> head = waiting.firstEntry();
      if (head == null) {
        return null;
      }
      long seq = head.getKey();
      if (seq != lastRun + 1
          && !inFlight.isEmpty()
          && inFlight.first() <= head.getValue().watermark) {
        return null;
      }
      waiting.pollFirstEntry();
      lastRun = seq;
      return head;
    }
  }

  private final ConcurrentHashMap<GroupKey, Lane> lanes = new ConcurrentHashMap<>();

  /** Registers a write of {@code group} about to be sent; returns its ticket. */
  long begin(GroupKey group) {
    long[] ticket = new long[1];
    lanes.compute(
        group,
        (g, old) -> {
          Lane lane = old == null ? new Lane() : old;
          synchronized (lane) {
            lane.users++;
            ticket[0] = ++lane.issued;
            lane.inFlight.add(ticket[0]);
          }
          return lane;
        });
    return ticket[0];
  }

  /** The write of {@code ticket} failed or committed nothing. */
  void abandon(GroupKey group, long ticket) {
    Lane lane = lanes.get(group);
    try {
      boolean drain;
      synchronized (lane) {
        lane.inFlight.remove(ticket);
        drain = !lane.draining;
        lane.draining |= drain;
      }
      if (drain) {
        drain(lane);
      }
    } finally {
      release(group);
    }
  }

  /**
   * The write of {@code ticket} committed with {@code seq}: returns once {@code listenerCall} ran
   * (exactly once, on this or another writer's thread, even if this thread is interrupted), and
   * rethrows what it threw.
   */
  void commit(GroupKey group, long ticket, long seq, Runnable listenerCall) {
    Lane lane = lanes.get(group);
    Pending own;
    try {
      boolean drain;
      synchronized (lane) {
        lane.inFlight.remove(ticket);
        own = new Pending(lane.issued, listenerCall);
        lane.waiting.put(seq, own);
        drain = !lane.draining;
        lane.draining |= drain;
      }
      if (drain) {
        drain(lane);
      }
      while (!own.done) {
        LockSupport.park(this);
      }
    } finally {
      release(group);
    }
    if (own.failure instanceof RuntimeException e) {
      throw e;
    }
    if (own.failure instanceof Error e) {
      throw e;
    }
  }

  /** Runs due listeners in order until none is due; the caller set {@code draining}. */
  private static void drain(Lane lane) {
    while (true) {
      Map.Entry<Long, Pending> due;
      synchronized (lane) {
        due = lane.takeDue();
        if (due == null) {
          lane.draining = false;
          return;
        }
      }
      Pending p = due.getValue();
      try {
        p.call.run();
      } catch (Throwable t) { // handed to the writer that owns the commit
        p.failure = t;
      }
      p.done = true;
      LockSupport.unpark(p.owner);
    }
  }

  private void release(GroupKey group) {
    lanes.computeIfPresent(
        group,
        (g, lane) -> {
          synchronized (lane) {
            return --lane.users == 0 ? null : lane;
          }
        });
  }
}
