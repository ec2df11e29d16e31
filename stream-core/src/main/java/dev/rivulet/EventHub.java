package dev.rivulet;

import dev.rivulet.internal.DeliveryPass;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.StorageAdapter;
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
 *
 * <p>Bounded: a group's lane queues at most {@code limit} tasks (events and hand-overs). When a
 * slow listener lets it fill up, the queued tasks are dropped and every subscription of the group
 * is re-synchronized with a fresh snapshot ({@code resync = true}), then goes on live; likewise a
 * subscription whose start buffer reaches {@code limit} events starts from a fresh snapshot.
 */
final class EventHub {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final long RETRY_FIRST_MILLIS = 50;
  private static final long RETRY_MAX_MILLIS = 5_000;

  /** Subscribers by group: concurrent sets, so joining and leaving cost O(1) at any size. */
  private final ConcurrentHashMap<GroupKey, Set<Sub>> groups = new ConcurrentHashMap<>();

  private final Executor executor;
  private final KeyedSerialExecutor<GroupKey> lanes;
  private final StorageAdapter storage;
  private final BiFunction<GroupKey, String, Snapshot> snapshots;
  private final BiFunction<GroupKey, Long, Optional<List<StreamEvent>>> history;
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong overflows = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong subscriptions = new AtomicLong();
  private final Throttle overflowWarnings = new Throttle(10, TimeUnit.SECONDS);
  private final int limit;

  /**
   * @param limit pending tasks per group lane, and buffered events per starting subscription
   * @param storage told when a group gets its first subscriber and loses its last
   * @param snapshots takes the current snapshot of a group (item null) or of one item
   * @param history the group's events after a seq, when still held
   */
  EventHub(
      Executor executor,
      int limit,
      StorageAdapter storage,
      BiFunction<GroupKey, String, Snapshot> snapshots,
      BiFunction<GroupKey, Long, Optional<List<StreamEvent>>> history) {
    this.executor = executor;
    this.limit = limit;
    this.lanes =
        new KeyedSerialExecutor<>(
            executor, limit, KeyedSerialExecutor.replaceWith(this::overflowTask));
    this.storage = storage;
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
            storage.subscribe(g);
          }
          if (subs.add(sub)) {
            subscriptions.incrementAndGet();
          }
          return subs;
        });
    try {
      Optional<List<StreamEvent>> missed =
          since == null ? Optional.empty() : history.apply(group, since);
      if (missed.isPresent()) {
        execute(group, () -> sub.begin(() -> sub.resume(since, missed.get())));
      } else {
        Snapshot snapshot = snapshots.apply(group, itemId);
        execute(group, () -> sub.begin(() -> sub.start(snapshot, false)));
      }
    } catch (RuntimeException e) {
      sub.close();
      throw e;
    }
    return sub;
  }

  /** Ends every subscription (engine close): each listener gets its {@code onClosed}. */
  void closeAll() {
    for (Set<Sub> subs : groups.values()) {
      for (Sub sub : List.copyOf(subs)) {
        sub.close();
      }
    }
  }

  /** Whether anybody in this process listens to the group. */
  boolean hasSubscribers(GroupKey group) {
    return groups.containsKey(group);
  }

  long listenerFailures() {
    return listenerFailures.get();
  }

  /** Events handed to listeners ({@code onEvent} calls). */
  long deliveries() {
    return deliveries.get();
  }

  /** Open subscriptions in this process. */
  long subscriptions() {
    return subscriptions.get();
  }

  /** How often a full lane or start buffer made subscriptions re-synchronize. */
  long overflows() {
    return overflows.get();
  }

  /** An event of a group; queued on its lane when somebody here listens to the group. */
  void event(StreamEvent event) {
    if (groups.containsKey(event.group())) {
      execute(event.group(), () -> deliver(event));
    }
  }

  /** Queues a task on the group's lane; a full lane is replaced by {@link #overflowTask}. */
  private void execute(GroupKey group, Runnable task) {
    if (lanes.execute(group, task) > 0) {
      overflowed(group);
    }
  }

  private void overflowed(GroupKey group) {
    long count = overflows.incrementAndGet();
    if (overflowWarnings.ready()) {
      LOG.warn(
          "subscribers of {} fell more than {} events behind: re-synchronizing them with a"
              + " snapshot ({} times so far)",
          group,
          limit,
          count);
    }
  }

  /** Stands for the dropped tasks of a full lane: every subscription re-snapshots. */
  private Runnable overflowTask(GroupKey group) {
    return () -> {
      for (Sub sub : subscribers(group)) {
        sub.snapshotDue = true;
        sub.resync();
      }
    };
  }

  /** The store may have lost events of the group: every subscription catches up. */
  void lost(GroupKey group) {
    execute(
        group,
        () -> {
          for (Sub sub : subscribers(group)) {
            sub.resync();
          }
        });
  }

  /** One pass over the group's subscribers: transports flush once at its end (DeliveryPass). */
  private void deliver(StreamEvent event) {
    DeliveryPass.run(
        () -> {
          for (Sub sub : subscribers(event.group())) {
            sub.offer(event);
          }
        });
  }

  private Set<Sub> subscribers(GroupKey group) {
    Set<Sub> subs = groups.get(group);
    return subs == null ? Set.of() : subs;
  }

  private void remove(Sub sub) {
    groups.computeIfPresent(
        sub.group,
        (g, subs) -> {
          if (subs.remove(sub)) {
            subscriptions.decrementAndGet();
          }
          if (subs.isEmpty()) {
            storage.unsubscribe(g);
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

    /** Events seen before the first callback; null once started. */
    List<StreamEvent> pending = new ArrayList<>();

    long lastSeq;
    int failedResyncs;

    /** Events were dropped (full lane or buffer): the next (re)start takes a fresh snapshot. */
    boolean snapshotDue;

    Sub(GroupKey group, String itemId, StreamListener listener) {
      this.group = group;
      this.itemId = itemId;
      this.listener = listener;
    }

    /** The first hand-over queued by subscribe; skipped when an overflow already started it. */
    void begin(Runnable handOver) {
      if (closed.get() || pending == null) {
        return;
      }
      if (snapshotDue) {
        resync();
      } else {
        handOver.run();
      }
    }

    void start(Snapshot snapshot, boolean resync) {
      if (closed.get()) {
        return;
      }
      lastSeq = snapshot.seq();
      snapshotDue = false;
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
      if (closed.get() || snapshotDue) {
        return; // a snapshot taken later includes it
      }
      if (pending != null) {
        if (pending.size() >= limit) {
          pending.clear();
          snapshotDue = true;
          overflowed(group);
        } else {
          pending.add(event);
        }
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
        deliveries.incrementAndGet();
        call(() -> listener.onEvent(event));
      }
    }

    /**
     * Catches up after lost events: replays them from the history, or, when it does not hold them
     * or {@link #snapshotDue}, starts again from a fresh snapshot ({@code resync} true, false for a
     * subscription that had not started yet).
     */
    void resync() {
      if (closed.get() || (pending != null && !snapshotDue)) {
        return;
      }
      try {
        Optional<List<StreamEvent>> missed =
            snapshotDue ? Optional.empty() : history.apply(group, lastSeq);
        if (missed.isPresent()) {
          failedResyncs = 0;
          resume(lastSeq, missed.get()); // the store still holds what was missed: replay it
        } else {
          boolean started = pending == null;
          Snapshot snapshot = snapshots.apply(group, itemId);
          if (!started) {
            pending.clear(); // all included in the fresh snapshot
          }
          start(snapshot, started);
          failedResyncs = 0;
        }
      } catch (RuntimeException e) {
        failedResyncs++;
        long delay = Math.min(RETRY_MAX_MILLIS, RETRY_FIRST_MILLIS << Math.min(failedResyncs, 10));
        LOG.warn(
            "could not re-synchronize a subscription of {}; retrying in {} ms", group, delay, e);
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor)
            .execute(() -> execute(group, this::retryResync));
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
        // after whatever the lane still runs for this subscription (those calls see it closed)
        execute(group, () -> call(listener::onClosed));
      }
    }
  }
}
