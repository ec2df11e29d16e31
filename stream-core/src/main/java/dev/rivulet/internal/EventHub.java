package dev.rivulet.internal;

import dev.rivulet.Snapshot;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamListener;
import dev.rivulet.Subscription;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.EventTransport;
import dev.rivulet.spi.GroupKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each group's events to its in-process subscribers, in {@code seq} order, on the engine's
 * executor (one lane per group).
 *
 * <p>Race-free hand-off: a new subscription is registered (buffering) before its snapshot is taken;
 * the snapshot is then delivered on the group's lane, followed by the buffered and later events
 * whose {@code seq} is above the snapshot's. Each subscription checks that {@code seq} advances by
 * exactly one; on a gap (a transport lost events) it replays the missed events from the store's
 * history when it still holds them, else takes a fresh snapshot, and tells the listener which.
 */
final class EventHub implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final long RETRY_FIRST_MILLIS = 50;
  private static final long RETRY_MAX_MILLIS = 5_000;

  /** Subscribers by group: concurrent sets, so joining and leaving cost O(1) at any size. */
  private final ConcurrentHashMap<GroupKey, Set<Sub>> groups = new ConcurrentHashMap<>();

  private final Executor executor;
  private final KeyedSerialExecutor<GroupKey> lanes;
  private final EventTransport transport;
  private final BiFunction<GroupKey, String, Snapshot> snapshots;
  private final BiFunction<GroupKey, Long, Optional<List<StreamEvent>>> history;
  private final AtomicLong listenerFailures = new AtomicLong();

  /**
   * @param snapshots takes the current snapshot of a group (item null) or of one item
   * @param history the group's events after a seq, when still held
   */
  EventHub(
      Executor executor,
      EventTransport transport,
      BiFunction<GroupKey, String, Snapshot> snapshots,
      BiFunction<GroupKey, Long, Optional<List<StreamEvent>>> history) {
    this.executor = executor;
    this.lanes = new KeyedSerialExecutor<>(executor);
    this.transport = transport;
    this.snapshots = snapshots;
    this.history = history;
  }

  /**
   * Registers a subscription and starts it with a snapshot, or, when {@code since} is given and the
   * history still holds every later event, with those events; see the class comment.
   */
  Subscription subscribe(GroupKey group, String itemId, Long since, StreamListener listener) {
    Sub sub = new Sub(group, itemId, Objects.requireNonNull(listener, "listener"));
    groups.compute(
        group,
        (g, subs) -> {
          if (subs == null) {
            subs = ConcurrentHashMap.newKeySet();
            transport.subscribe(g);
          }
          subs.add(sub);
          return subs;
        });
    try {
      Optional<List<StreamEvent>> missed =
          since == null ? Optional.empty() : history.apply(group, since);
      if (missed.isPresent()) {
        lanes.execute(group, () -> sub.resume(since, missed.get()));
      } else {
        Snapshot snapshot = snapshots.apply(group, itemId);
        lanes.execute(group, () -> sub.start(snapshot, false));
      }
    } catch (RuntimeException e) {
      sub.close();
      throw e;
    }
    return sub;
  }

  /** Whether anybody in this process listens to the group. */
  boolean hasSubscribers(GroupKey group) {
    return groups.containsKey(group);
  }

  long listenerFailures() {
    return listenerFailures.get();
  }

  @Override
  public void event(StreamEvent event) {
    if (groups.containsKey(event.group())) {
      lanes.execute(event.group(), () -> deliver(event));
    }
  }

  @Override
  public void lost(GroupKey group) {
    lanes.execute(
        group,
        () -> {
          for (Sub sub : subscribers(group)) {
            sub.resync();
          }
        });
  }

  private void deliver(StreamEvent event) {
    for (Sub sub : subscribers(event.group())) {
      sub.offer(event);
    }
  }

  private Set<Sub> subscribers(GroupKey group) {
    Set<Sub> subs = groups.get(group);
    return subs == null ? Set.of() : subs;
  }

  private void remove(Sub sub) {
    groups.computeIfPresent(
        sub.group,
        (g, subs) -> {
          subs.remove(sub);
          if (subs.isEmpty()) {
            transport.unsubscribe(g);
            return null;
          }
          return subs;
        });
  }

  /** One subscription; all methods but close run on the group's lane. */
  private final class Sub implements Subscription {
    final GroupKey group;
    final String itemId;
    final StreamListener listener;
    final AtomicBoolean closed = new AtomicBoolean();
    List<StreamEvent> pending = new ArrayList<>();
    long lastSeq;
    int failedResyncs;

    Sub(GroupKey group, String itemId, StreamListener listener) {
      this.group = group;
      this.itemId = itemId;
      this.listener = listener;
    }

    void start(Snapshot snapshot, boolean resync) {
      if (closed.get()) {
        return;
      }
      lastSeq = snapshot.seq();
      List<StreamEvent> buffered = pending;
      pending = null;
      call(() -> listener.onSnapshot(snapshot, resync));
      if (buffered != null) {
        buffered.forEach(this::offer);
      }
    }

    void resume(long since, List<StreamEvent> missed) {
      if (closed.get()) {
        return;
      }
      lastSeq = since;
      List<StreamEvent> buffered = pending;
      pending = null;
      call(() -> listener.onResumed(since));
      missed.forEach(this::offer);
      if (buffered != null) {
        buffered.forEach(this::offer);
      }
    }

    void offer(StreamEvent event) {
      if (closed.get()) {
        return;
      }
      if (pending != null) {
        pending.add(event);
        return;
      }
      long seq = event.seq();
      if (seq <= lastSeq) {
        return; // included in the snapshot, or a duplicate
      }
      if (seq != lastSeq + 1) {
        LOG.debug("{} saw seq {} after {}: re-synchronizing", group, seq, lastSeq);
        resync();
        if (seq <= lastSeq) {
          return;
        }
      }
      lastSeq = seq;
      if (itemId == null || itemId.equals(event.itemId())) {
        call(() -> listener.onEvent(event));
      }
    }

    void resync() {
      if (closed.get() || pending != null) {
        return;
      }
      try {
        Optional<List<StreamEvent>> missed = history.apply(group, lastSeq);
        if (missed.isPresent()) {
          failedResyncs = 0;
          resume(lastSeq, missed.get()); // the store still holds what was missed: replay it
        } else {
          start(snapshots.apply(group, itemId), true);
          failedResyncs = 0;
        }
      } catch (RuntimeException e) {
        failedResyncs++;
        long delay = Math.min(RETRY_MAX_MILLIS, RETRY_FIRST_MILLIS << Math.min(failedResyncs, 10));
        LOG.warn(
            "could not re-synchronize a subscription of {}; retrying in {} ms", group, delay, e);
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor)
            .execute(() -> lanes.execute(group, this::retryResync));
      }
    }

    private void retryResync() {
      if (failedResyncs > 0) {
        resync();
      }
    }

    private void call(Runnable callback) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        listenerFailures.incrementAndGet();
        LOG.warn("stream listener of {} failed", group, e);
      }
    }

    @Override
    public GroupKey group() {
      return group;
    }

    @Override
    public String itemId() {
      return itemId;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        remove(this);
      }
    }
  }
}
