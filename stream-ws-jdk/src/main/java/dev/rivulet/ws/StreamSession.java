package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.JoinRequest;
import dev.rivulet.Presence;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.StreamListener;
import dev.rivulet.Subscription;
import dev.rivulet.internal.Json;
import dev.rivulet.internal.Wire;
import dev.rivulet.spi.GroupKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream protocol of one connection (SPEC §5.5): join/leave messages processed one after the
 * other off the selector thread, subscriptions keyed by id, and delivery that writes each event
 * once per connection even when several subscriptions match it.
 */
final class StreamSession implements WsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final long RETRY_MIN_MILLIS = 20;
  private static final long RETRY_MAX_MILLIS = 2_000;

  private final StreamProtocol protocol;
  private final JsonNode context;
  private final JoinRequest autoJoin;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  /** Touched only by lane tasks, which never run concurrently. */
  private final Map<String, Active> subscriptions = new HashMap<>();

  /**
   * Joins allowed by the join triggers whose snapshot could not be read yet (storage down), by
   * subscription id; retried with backoff until the store answers or the retry bound passes.
   */
  private final Map<String, JoinRequest> retrying = new HashMap<>();

  /** Subscriptions joined with {@code "sync": false}: their first sync is not sent (SPEC §11). */
  private final Set<String> liveOnly = ConcurrentHashMap.newKeySet();

  /** Per group with subscriptions: the dedupe state (touched by lane tasks like the above). */
  private final Map<GroupKey, GroupCursor> cursors = new HashMap<>();

  private CompletableFuture<Void> tail = DONE;
  private volatile Connection connection;
  private volatile boolean closed;

  /** A subscribed join, with its place in the group's presence ({@code stream::presence}). */
  private record Active(
      JoinRequest request,
      Subscription subscription,
      Listener listener,
      Presence.Registration presence) {}

  StreamSession(StreamProtocol protocol, JsonNode context, JoinRequest autoJoin) {
    this.protocol = protocol;
    this.context = context;
    this.autoJoin = autoJoin;
  }

  CompletableFuture<Void> finished() {
    return finished;
  }

  @Override
  public void onOpen(Connection c) {
    this.connection = c;
    if (autoJoin != null) {
      enqueue(() -> join(autoJoin, null));
    }
  }

  @Override
  public void onMessage(Connection c, boolean text, byte[] data) {
    enqueue(() -> handle(text, data));
  }

  @Override
  public void onClosed(Connection c) {
    closed = true;
    enqueue(this::leaveAll).whenComplete((v, e) -> finished.complete(null));
  }

  /** Runs tasks of this connection in order on the worker pool, each after the last completed. */
  private synchronized CompletableFuture<Void> enqueue(Supplier<CompletionStage<Void>> task) {
    tail =
        tail.thenComposeAsync(
            v -> {
              try {
                return task.get().exceptionally(this::logged);
              } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(logged(e));
              }
            },
            this::runOrRefuse);
    return tail;
  }

  /**
   * Hands a task to the worker pool. When its queue is full the connection is closed with 1013 (try
   * again later) and the task is offered again shortly: it then finds the session closed and only
   * the leave triggers still run, so nothing of the session is dropped silently.
   */
  private void runOrRefuse(Runnable task) {
    try {
      protocol.worker.execute(task);
    } catch (RejectedExecutionException e) {
      Connection c = connection;
      if (c != null && !closed) {
        c.close(CloseCodes.TRY_AGAIN_LATER, "server overloaded");
      }
      CompletableFuture.delayedExecutor(RETRY_MIN_MILLIS, TimeUnit.MILLISECONDS)
          .execute(() -> runOrRefuse(task));
    }
  }

  private Void logged(Throwable e) {
    LOG.warn("stream protocol task failed", e);
    return null;
  }

  private CompletionStage<Void> handle(boolean text, byte[] bytes) {
    if (closed || (text && isBlank(bytes))) {
      return DONE;
    }
    JsonNode message;
    try {
      message = Json.readStrict(bytes);
    } catch (IOException e) {
      LOG.debug("ignoring a message that is not JSON");
      return DONE;
    }
    if (message == null || !message.isObject()) {
      return DONE;
    }
    JsonNode data = message.get("data");
    String type = message.path("type").asText(null);
    boolean join = "join".equals(type);
    if (!(join || "leave".equals(type)) || !JoinCheck.hasRequiredFields(data)) {
      return DONE; // ignored, as the reference does (SPEC §5.5)
    }
    StreamException problem = JoinCheck.problem(data);
    if (problem != null) {
      if (join) { // answered, so a client never waits for a sync that cannot come
        connection.send(
            FrameEncoder.frame(FrameEncoder.OP_TEXT, JoinCheck.errorEvent(data, problem)));
      }
      return DONE; // a leave with bad names cannot match a subscription: ignored
    }
    JoinRequest request = request(data);
    if (join) {
      if (data.path("sync").isBoolean() && !data.get("sync").booleanValue()) {
        liveOnly.add(request.subscriptionId());
      } else {
        liveOnly.remove(request.subscriptionId());
      }
    }
    return join ? join(request, since(data)) : leave(request);
  }

  private static boolean isBlank(byte[] data) {
    for (byte b : data) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** The request of join/leave {@code data} that passed {@link JoinCheck}. */
  private JoinRequest request(JsonNode data) {
    JsonNode id = data.get("id");
    return new JoinRequest(
        data.get("subscriptionId").textValue(),
        data.get("streamName").textValue(),
        data.get("groupId").textValue(),
        id == null || id.isNull() ? null : id.textValue(),
        context);
  }

  /** The optional {@code since} of a join ([beyond], SPEC §5.5): a seq ≥ 0, else ignored. */
  private static Long since(JsonNode data) {
    JsonNode since = data.get("since");
    return since != null && since.canConvertToExactIntegral() && since.asLong(-1) >= 0
        ? since.asLong()
        : null;
  }

  private CompletionStage<Void> join(JoinRequest request, Long since) {
    if (!subscriptions.containsKey(request.subscriptionId())
        && subscriptions.size() >= protocol.maxSubscriptions) {
      connection.close(CloseCodes.POLICY_VIOLATION, "too many subscriptions");
      return DONE;
    }
    return protocol
        .engine
        .join(request)
        .thenAcceptAsync(allowed -> afterJoinTriggers(request, since, allowed), protocol.worker);
  }

  private void afterJoinTriggers(JoinRequest request, Long since, boolean allowed) {
    if (closed) {
      return;
    }
    if (!allowed) {
      liveOnly.remove(request.subscriptionId());
      send(unauthorized(request));
      return;
    }
    long deadline = System.nanoTime() + protocol.joinRetryTimeout.toNanos();
    subscribe(request, since, deadline, RETRY_MIN_MILLIS);
  }

  /** Subscribes an allowed join; a storage failure schedules a retry instead of a dead join. */
  private void subscribe(JoinRequest request, Long since, long deadline, long delayMillis) {
    retrying.remove(request.subscriptionId());
    GroupKey group = new GroupKey(request.streamName(), request.groupId());
    GroupCursor cursor = cursors.computeIfAbsent(group, g -> new GroupCursor());
    // beside other subscriptions of the group, record what they write until this one has synced
    Listener listener =
        new Listener(cursor, cursor.users++ > 0, liveOnly.contains(request.subscriptionId()));
    Active old = subscriptions.remove(request.subscriptionId());
    if (old != null) {
      old.subscription.close(); // replaced: no leave
      release(old);
    }
    // listed before its sync is queued: a client holding its sync is in stream::presence
    Presence.Registration presence = protocol.engine.present(request);
    Subscription subscription;
    try {
      subscription =
          protocol.engine.subscribe(
              request.streamName(), request.groupId(), request.itemId(), since, listener);
    } catch (RuntimeException e) {
      presence.close();
      release(group, listener);
      if (e instanceof StreamException se && se.code().startsWith("STREAM_")) {
        retryLater(request, since, deadline, delayMillis, se);
        return;
      }
      if (e instanceof StreamException se && JoinCheck.isBadInput(se)) {
        // a name rule of the engine that JoinCheck did not know: still answered; its join
        // triggers ran, so its leave triggers run too
        connection.send(
            FrameEncoder.frame(FrameEncoder.OP_TEXT, JoinCheck.errorEvent(request, se)));
        protocol.engine.leave(request);
        return;
      }
      throw e;
    }
    subscriptions.put(
        request.subscriptionId(), new Active(request, subscription, listener, presence));
  }

  private void retryLater(
      JoinRequest request, Long since, long deadline, long delayMillis, StreamException cause) {
    if (System.nanoTime() - deadline >= 0) {
      LOG.warn(
          "join {} of {}/{} not served within {} ms, closing: {}",
          request.subscriptionId(),
          request.streamName(),
          request.groupId(),
          protocol.joinRetryTimeout.toMillis(),
          cause.getMessage());
      connection.close(CloseCodes.INTERNAL_ERROR, "store unavailable");
      return;
    }
    LOG.debug(
        "join {} retried in {} ms: {}", request.subscriptionId(), delayMillis, cause.getMessage());
    retrying.put(request.subscriptionId(), request);
    protocol.joinRetries.incrementAndGet();
    CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS)
        .execute(
            () ->
                enqueue(
                    () -> {
                      if (!closed && retrying.get(request.subscriptionId()) == request) {
                        subscribe(
                            request, since, deadline, Math.min(2 * delayMillis, RETRY_MAX_MILLIS));
                      }
                      return DONE;
                    }));
  }

  private CompletionStage<Void> leave(JoinRequest request) {
    retrying.remove(request.subscriptionId());
    liveOnly.remove(request.subscriptionId());
    Active active = subscriptions.remove(request.subscriptionId());
    if (active != null) {
      active.subscription.close();
      release(active);
    }
    return protocol.engine.leave(request);
  }

  private CompletionStage<Void> leaveAll() {
    List<CompletableFuture<Void>> leaves = new ArrayList<>();
    for (Active active : subscriptions.values()) {
      active.subscription.close();
      active.presence.close();
      active.listener.settle();
      leaves.add(protocol.engine.leave(active.request));
    }
    for (JoinRequest request : retrying.values()) {
      leaves.add(protocol.engine.leave(request)); // its join triggers ran
    }
    retrying.clear();
    subscriptions.clear();
    cursors.clear();
    return CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new));
  }

  private void release(Active active) {
    active.presence.close();
    release(active.subscription.group(), active.listener);
  }

  private void release(GroupKey group, Listener listener) {
    listener.settle();
    if (--listener.cursor.users == 0) {
      cursors.remove(group, listener.cursor);
    }
  }

  private ObjectNode unauthorized(JoinRequest request) {
    return Wire.unauthorized(
        request.streamName(), request.groupId(), request.itemId(), System.currentTimeMillis());
  }

  private void send(ObjectNode message) {
    connection.send(FrameEncoder.frame(FrameEncoder.OP_TEXT, Json.bytes(message)));
  }

  /** One subscription's callbacks; all run on the group's lane, never concurrently per group. */
  private final class Listener implements StreamListener {
    final GroupCursor cursor;
    private final AtomicBoolean joining;

    /** A first group sync waiting for the events it must include (lane); usually null. */
    private GroupCursor.PendingSync pending;

    /** {@code "sync": false}: the first sync is not sent, only the events after it. */
    private boolean quiet;

    Listener(GroupCursor cursor, boolean besideOthers, boolean liveOnly) {
      this.cursor = cursor;
      this.quiet = liveOnly;
      this.joining = new AtomicBoolean(besideOthers);
      if (besideOthers) {
        cursor.joining.incrementAndGet();
      }
    }

    /** The first callback came (or never will): the cursor may stop recording for this one. */
    void settle() {
      if (joining.get() && joining.compareAndSet(true, false)) {
        cursor.joined();
      }
    }

    /** Sends a sync, except the first one of a live-only join; a later resync is always sent. */
    private void sendSync(Snapshot sync) {
      if (quiet) {
        quiet = false;
        return;
      }
      send(sync.toSyncJson());
    }

    @Override
    public void onSnapshot(Snapshot snapshot, boolean resync) {
      if (resync) {
        quiet = false; // the client must hear that it missed events
      }
      // the connection may already have been sent events after the snapshot (through another
      // subscription of the group): the sync then includes them instead of re-sending them
      pending = null;
      Snapshot sync = cursor.advance(snapshot, joining.get());
      if (sync == null && joining.get()) {
        // only item subscriptions were writing: take in the events up to what was written instead
        pending = cursor.pendingSync(snapshot);
        if (pending != null) {
          settle();
          return;
        }
      }
      if (sync == null) {
        // cannot advance (see GroupCursor.advance, README): re-send those events after the sync
        cursor.lastSent = snapshot.seq();
        sync = snapshot;
      } else if (sync != snapshot) {
        protocol.advancedSyncs.incrementAndGet();
      }
      sendSync(sync);
      settle();
    }

    @Override
    public void onResumed(long since) {
      quiet = false; // a resumed join has no sync to skip
      // replayed events after since must reach the client even if another subscription of the
      // connection already wrote some of them
      pending = null;
      cursor.lastSent = Math.min(cursor.lastSent, since);
      settle();
    }

    @Override
    public void onEvent(StreamEvent event) {
      if (pending != null) {
        Snapshot sync = pending.add(event); // written already, or included in the sync
        if (sync != null) {
          pending = null;
          protocol.advancedSyncs.incrementAndGet();
          sendSync(sync);
        }
        return;
      }
      if (event.seq() <= cursor.lastSent) {
        return; // already written through another subscription of this connection
      }
      cursor.written(event);
      connection.send(protocol.frames.frameFor(event));
    }
  }
}
