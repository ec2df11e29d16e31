package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamException;
import dev.rivulet.StreamFunction;
import dev.rivulet.Trigger;
import dev.rivulet.TriggerType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iii worker connection (SPEC §12). Its functions join the engine's function registry as {@link
 * WorkerFunction}s and its triggers the trigger registry; both leave when it disconnects (only
 * those still its own: a reconnected successor may have replaced them).
 *
 * <p>Threads: frames arrive on the selector thread. Answers to the engine's calls ({@code
 * invocationresult}) and pings are handled there at once (cheap, and never queued behind the calls
 * waiting for them). Everything else runs in arrival order on a lane: registrations in place, calls
 * on the worker pool, where a call holds the lane only until it finishes or starts waiting for a
 * worker — so a void {@code stream::set} followed by a {@code stream::get} sees its write, and a
 * call whose handler calls back into the engine cannot deadlock its own connection.
 */
final class WorkerSession implements WsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerSession.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** Set while a lane call runs on a pool thread: lets the lane go on once the call waits. */
  private static final ThreadLocal<Runnable> RELEASE_LANE = new ThreadLocal<>();

  static final String WORKER_DISCONNECTED = "worker_disconnected";
  static final String TIMEOUT = "timeout";
  static final String OVERLOADED = "overloaded";

  private final IiiWorkers hub;
  final String workerId = UUID.randomUUID().toString();
  private final String reattachToken = UUID.randomUUID().toString();

  /** Guarded by {@code hub.lock}. */
  private final Map<String, WorkerFunction> functions = new HashMap<>();

  /** Guarded by {@code hub.lock}. */
  private final Map<String, Trigger> triggers = new HashMap<>();

  /** Guarded by {@code hub.lock}; once true, nothing is registered for this worker any more. */
  private boolean released;

  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger queuedCalls = new AtomicInteger();
  private CompletableFuture<Void> tail = DONE;
  private volatile Connection connection;
  private volatile JsonNode metadata;

  WorkerSession(IiiWorkers hub) {
    this.hub = hub;
  }

  /** What the worker sent with {@code engine::workers::register} (null before). */
  JsonNode metadata() {
    return metadata;
  }

  /** The worker's connection (null before it opened); tests cut it. */
  Connection connection() {
    return connection;
  }

  /** Whether one of this worker's triggers calls {@code functionId}. */
  boolean ownsTriggerFor(String functionId) {
    synchronized (hub.lock) {
      return triggers.values().stream().anyMatch(t -> functionId.equals(t.functionId()));
    }
  }

  @Override
  public void onOpen(Connection c) {
    this.connection = c;
    hub.sessions.put(workerId, this);
    send(IiiCodec.workerRegistered(workerId, reattachToken));
  }

  @Override
  public void onMessage(Connection c, boolean text, byte[] data) {
    IiiCodec.Inbound message = IiiCodec.decode(data);
    if (message instanceof IiiCodec.InvocationResult r) {
      answered(r);
    } else if (message instanceof IiiCodec.Ping) {
      send(IiiCodec.pong());
    } else if (message instanceof IiiCodec.Ignored i) {
      LOG.trace("worker {}: {} ignored", workerId, i.type());
    } else if (message instanceof IiiCodec.Malformed m) {
      malformed(m);
    } else if (message instanceof IiiCodec.InvokeFunction call) {
      if (queuedCalls.incrementAndGet() > hub.options.maxInFlight()) {
        queuedCalls.decrementAndGet();
        reply(call, null, overloaded("calls of this worker"));
      } else {
        enqueue(() -> invoke(call));
      }
    } else if (message instanceof IiiCodec.RegisterFunction f) {
      enqueue(() -> registerFunction(f));
    } else if (message instanceof IiiCodec.UnregisterFunction f) {
      enqueue(() -> unregisterFunction(f.id()));
    } else if (message instanceof IiiCodec.RegisterTrigger t) {
      enqueue(() -> registerTrigger(t));
    } else if (message instanceof IiiCodec.UnregisterTrigger t) {
      enqueue(() -> unregisterTrigger(t.id()));
    } else if (message instanceof IiiCodec.Reattach r) {
      enqueue(() -> reattach(r));
    }
  }

  @Override
  public void onClosed(Connection c) {
    release();
  }

  // ---- the lane ----

  private synchronized void enqueue(Supplier<CompletionStage<Void>> step) {
    tail =
        tail.thenCompose(
            v -> {
              try {
                return step.get().exceptionally(this::logged);
              } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(logged(e));
              }
            });
  }

  private Void logged(Throwable e) {
    LOG.warn("iii worker {}: message handling failed", workerId, e);
    return null;
  }

  // ---- worker → engine ----

  private void malformed(IiiCodec.Malformed m) {
    hub.ignored.incrementAndGet();
    LOG.debug("worker {}: ignoring a message ({})", workerId, m.reason());
    if (m.invocationId() != null) {
      send(
          IiiCodec.invocationError(
              m.invocationId(),
              m.functionId() == null ? "" : m.functionId(),
              "invalid_message",
              "malformed message: " + m.reason()));
    }
  }

  private CompletionStage<Void> invoke(IiiCodec.InvokeFunction call) {
    if ("enqueue".equals(call.action())) {
      finish(call, null, new StreamException("unsupported_action", "queues are not supported"));
      return DONE;
    }
    if (call.functionId().equals("engine::workers::register")) {
      metadata = call.data();
      finish(call, null, null);
      return DONE;
    }
    StreamFunction function = hub.engine.functions().find(call.functionId()).orElse(null);
    if (function instanceof WorkerFunction target) {
      // a worker's function: no thread waits for its answer
      target.owner.call(target.id, call.data()).whenComplete((r, e) -> finish(call, r, e));
      return DONE;
    }
    CompletableFuture<Void> lane = new CompletableFuture<>();
    try {
      hub.worker.execute(
          () -> {
            RELEASE_LANE.set(() -> lane.complete(null));
            JsonNode result = null;
            Throwable error = null;
            try {
              result = hub.engine.invoke(call.functionId(), call.data());
            } catch (RuntimeException e) {
              error = e;
            } finally {
              RELEASE_LANE.remove();
              lane.complete(null);
            }
            finish(call, result, error);
          });
    } catch (RejectedExecutionException e) {
      finish(call, null, overloaded("the server's worker pool"));
      return DONE;
    }
    return lane;
  }

  private void finish(IiiCodec.InvokeFunction call, JsonNode result, Throwable error) {
    queuedCalls.decrementAndGet();
    reply(call, result, error);
  }

  private void reply(IiiCodec.InvokeFunction call, JsonNode result, Throwable error) {
    if (call.invocationId() == null) {
      if (error != null) {
        LOG.debug("worker {}: void call of {} failed", workerId, call.functionId(), error);
      }
      return;
    }
    if (error == null) {
      send(IiiCodec.invocationResult(call.invocationId(), call.functionId(), result));
    } else {
      StreamException e = failure(error);
      send(
          IiiCodec.invocationError(
              call.invocationId(), call.functionId(), e.code(), e.getMessage()));
    }
  }

  private CompletionStage<Void> registerFunction(IiiCodec.RegisterFunction m) {
    if (m.httpInvoked()) {
      hub.ignored.incrementAndGet();
      LOG.info("worker {}: HTTP-invoked function {} is not supported; ignored", workerId, m.id());
      return DONE;
    }
    synchronized (hub.lock) {
      if (released) {
        return DONE;
      }
      WorkerFunction function = new WorkerFunction(this, m.id());
      try {
        hub.engine.functions().register(m.id(), function);
      } catch (StreamException e) {
        hub.ignored.incrementAndGet();
        LOG.info("worker {}: cannot register function {}: {}", workerId, m.id(), e.getMessage());
        return DONE;
      }
      functions.put(m.id(), function);
    }
    return DONE;
  }

  private CompletionStage<Void> unregisterFunction(String id) {
    synchronized (hub.lock) {
      removeFunction(id, functions.remove(id));
    }
    return DONE;
  }

  private void removeFunction(String id, WorkerFunction mine) {
    if (mine != null && hub.engine.functions().find(id).orElse(null) == mine) {
      hub.engine.functions().remove(id);
    }
  }

  private CompletionStage<Void> registerTrigger(IiiCodec.RegisterTrigger m) {
    TriggerType type;
    try {
      type = TriggerType.fromWireName(m.triggerType());
    } catch (StreamException e) {
      registered(m, "trigger_type_not_found", "Trigger type not found: " + m.triggerType());
      return DONE;
    }
    Trigger trigger = Trigger.toFunction(m.id(), type, m.config(), m.functionId());
    synchronized (hub.lock) {
      if (released) {
        return DONE;
      }
      try {
        hub.engine.triggers().register(trigger);
      } catch (StreamException e) {
        registered(m, e.code(), e.getMessage());
        return DONE;
      }
      triggers.put(m.id(), trigger);
    }
    registered(m, null, null);
    return DONE;
  }

  private void registered(IiiCodec.RegisterTrigger m, String code, String message) {
    send(
        IiiCodec.triggerRegistrationResult(m.id(), m.triggerType(), m.functionId(), code, message));
  }

  private CompletionStage<Void> unregisterTrigger(String id) {
    synchronized (hub.lock) {
      removeTrigger(id, triggers.remove(id));
    }
    return DONE;
  }

  private void removeTrigger(String id, Trigger mine) {
    if (mine != null && hub.engine.triggers().find(id).orElse(null) == mine) {
      hub.engine.triggers().remove(id);
    }
  }

  /**
   * The first message of a reconnect: retires the worker's previous connection (when its token
   * matches) before the replayed registrations that follow on this lane.
   */
  private CompletionStage<Void> reattach(IiiCodec.Reattach m) {
    WorkerSession previous =
        m.previousWorkerId() == null ? null : hub.sessions.get(m.previousWorkerId());
    if (previous == null || previous == this) {
      return DONE;
    }
    if (m.token() == null || !m.token().equals(previous.reattachToken)) {
      LOG.info(
          "worker {}: reattach to {} with a wrong token; ignored", workerId, previous.workerId);
      return DONE;
    }
    LOG.debug("worker {} reattached: retiring {}", workerId, previous.workerId);
    previous.release();
    Connection old = previous.connection;
    if (old != null) {
      old.close(CloseCodes.NORMAL, "reattached");
    }
    return DONE;
  }

  // ---- engine → worker ----

  /**
   * Calls one of this worker's functions: sends {@code invokefunction} and completes with its
   * {@code invocationresult}, or fails with {@code timeout}, {@code overloaded} or {@code
   * worker_disconnected} (each a {@link StreamException}).
   */
  CompletableFuture<JsonNode> call(String functionId, JsonNode input) {
    Connection c = connection;
    if (c == null || isReleased()) {
      return CompletableFuture.failedFuture(disconnected());
    }
    if (pending.size() >= hub.options.maxInFlight()) {
      return CompletableFuture.failedFuture(overloaded("calls waiting for worker " + workerId));
    }
    String invocationId = UUID.randomUUID().toString();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(invocationId, answer);
    if (isReleased()) { // released meanwhile: release() may have missed this one
      pending.remove(invocationId);
      return CompletableFuture.failedFuture(disconnected());
    }
    long timeout = hub.options.callTimeout().toMillis();
    CompletableFuture<JsonNode> bounded =
        answer
            .orTimeout(timeout, TimeUnit.MILLISECONDS)
            .handle(
                (r, e) -> {
                  pending.remove(invocationId);
                  if (e == null) {
                    return r;
                  }
                  if (unwrap(e) instanceof TimeoutException) {
                    hub.timeouts.incrementAndGet();
                    throw new StreamException(
                        TIMEOUT,
                        "worker "
                            + workerId
                            + " did not answer "
                            + functionId
                            + " within "
                            + timeout
                            + " ms");
                  }
                  throw failure(e);
                });
    send(IiiCodec.invokeFunction(invocationId, functionId, input));
    return bounded;
  }

  private void answered(IiiCodec.InvocationResult r) {
    CompletableFuture<JsonNode> answer = pending.remove(r.invocationId());
    if (answer == null) {
      hub.ignored.incrementAndGet(); // late (timed out) or unknown
      LOG.debug("worker {}: answer to unknown call {}", workerId, r.invocationId());
      return;
    }
    if (r.error() == null) {
      answer.complete(r.result());
      return;
    }
    JsonNode code = r.error().get("code");
    JsonNode message = r.error().get("message");
    answer.completeExceptionally(
        new StreamException(
            code != null && code.isTextual() ? code.textValue() : "invocation_failed",
            message != null && message.isTextual() ? message.textValue() : r.error().toString()));
  }

  // ---- leaving ----

  private boolean isReleased() {
    synchronized (hub.lock) {
      return released;
    }
  }

  /**
   * The worker is gone (or replaced by its reconnected self): its functions and triggers leave the
   * engine, its pending calls fail with {@code worker_disconnected}. Idempotent.
   */
  void release() {
    synchronized (hub.lock) {
      if (released) {
        return;
      }
      released = true;
      functions.forEach(this::removeFunction);
      triggers.forEach(this::removeTrigger);
      functions.clear();
      triggers.clear();
    }
    hub.sessions.remove(workerId, this);
    List<CompletableFuture<JsonNode>> waiting = new ArrayList<>(pending.values());
    pending.clear();
    waiting.forEach(f -> f.completeExceptionally(disconnected()));
  }

  private StreamException disconnected() {
    StreamException e =
        new StreamException(WORKER_DISCONNECTED, "worker " + workerId + " disconnected");
    e.setStackTrace(new StackTraceElement[0]); // an expected end, logged by callers: one line
    return e;
  }

  private static StreamException overloaded(String what) {
    return new StreamException(OVERLOADED, "too many " + what + " in flight; try again");
  }

  // ---- helpers ----

  private void send(JsonNode message) {
    Connection c = connection;
    if (c != null && c.state() != Connection.State.CLOSED) {
      c.send(IiiCodec.frame(message));
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Any failure as the {@link StreamException} whose code and message go on the wire. */
  static StreamException failure(Throwable error) {
    Throwable e = unwrap(error);
    return e instanceof StreamException se
        ? se
        : new StreamException("invocation_failed", String.valueOf(e.getMessage()), e);
  }

  /** A function of a worker, as the engine's function registry holds it. */
  static final class WorkerFunction implements StreamFunction {
    final WorkerSession owner;
    final String id;

    WorkerFunction(WorkerSession owner, String id) {
      this.owner = owner;
      this.id = id;
    }

    /** Blocks the calling thread (never a selector) until the worker answers or time runs out. */
    @Override
    public JsonNode call(JsonNode input) {
      Runnable release = RELEASE_LANE.get();
      if (release != null) {
        release.run(); // a lane call now waiting for a worker: the lane goes on
      }
      try {
        return owner.call(id, input).join();
      } catch (CompletionException e) {
        throw failure(e);
      }
    }
  }
}
