package dev.rivulet.redis;

import dev.rivulet.spi.GroupKey;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ordering barrier of one instance's writes per group: writes of a group run their scripts
 * concurrently (overlapping on the wire, on different pooled connections), yet their commit
 * listeners run one at a time and in {@code seq} order.
 *
 * <p>A writer takes a ticket ({@link #begin}) right before sending its script. When its reply (with
 * the seq Redis assigned) is back, it records the highest ticket issued so far, its
 * <em>watermark</em>: only writers with a ticket up to the watermark can have run their script
 * before its own (a later ticket was sent after this reply arrived, so Redis ran it later and gave
 * it a higher seq). The writer then runs its listener once (1) no listener of the group is running,
 * (2) no write with a known lower seq is still waiting, and (3) no write with a ticket up to its
 * watermark is still without a reply. A write that fails or commits nothing calls {@link #abandon}.
 * Other instances' writes need no local ordering: their events come in order from Redis.
 */
final class CommitOrder {
  private static final class Lane {
    long issued;
    int users;
    boolean running;
    final TreeSet<Long> inFlight = new TreeSet<>();
    final TreeMap<Long, Long> waiting = new TreeMap<>(); // seq -> watermark
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
    synchronized (lane) {
      lane.inFlight.remove(ticket);
      lane.notifyAll();
    }
    release(group);
  }

  /**
   * The write of {@code ticket} committed with {@code seq}: waits for its turn, then runs {@code
   * listenerCall} (exactly once, even if the thread is interrupted while waiting).
   */
  void commit(GroupKey group, long ticket, long seq, Runnable listenerCall) {
    Lane lane = lanes.get(group);
    boolean interrupted = false;
    try {
      synchronized (lane) {
        lane.inFlight.remove(ticket);
        long watermark = lane.issued;
        lane.waiting.put(seq, watermark);
        lane.notifyAll();
        while (lane.running
            || lane.waiting.firstKey() != seq
            || (!lane.inFlight.isEmpty() && lane.inFlight.first() <= watermark)) {
          try {
            lane.wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        lane.waiting.remove(seq);
        lane.running = true;
      }
      try {
        listenerCall.run();
      } finally {
        synchronized (lane) {
          lane.running = false;
          lane.notifyAll();
        }
      }
    } finally {
      release(group);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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
