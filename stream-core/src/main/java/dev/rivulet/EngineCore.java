package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.Receipt;
import dev.rivulet.spi.StorageAdapter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code StreamEngine}: the typed operations (each used by its {@code stream::*}
 * function too, one path each: per-stream overrides are {@link OverridingStorage}), the counting
 * and trigger firing of committed events, and subscriptions.
 */
final class EngineCore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineCore.class);

  private final OverridingStorage storage;
  private final ExecutorService ownedExecutor;
  private final FunctionTable functions;
  private final TriggerTable triggers;
  private final EventHub hub;
  private final Map<String, StreamFunction> builtIns;
  private final ValueLimits limits;
  private final long idempotencyWindowMillis;
  private final Presences presence;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder writes = new LongAdder();
  private final LongAdder sends = new LongAdder();
  private final EventViews views = new EventViews();

  /** Default of {@code maxItemBytes}: the serialized JSON of one item value, in bytes. */
  public static final int DEFAULT_MAX_ITEM_BYTES = ValueLimits.DEFAULT_MAX_ITEM_BYTES;

  /** Default and hard maximum of {@code maxValueDepth}. */
  public static final int MAX_VALUE_DEPTH = ValueLimits.MAX_VALUE_DEPTH;

  /** Default of {@code maxPresence}: the most entries one {@code stream::presence} returns. */
  public static final int DEFAULT_MAX_PRESENCE = Presences.DEFAULT_MAX;

  /**
   * @param ownedExecutor shut down on close (null when the executor belongs to the caller)
   * @param lanes the bounds of the trigger and subscriber lanes
   * @param maxItemBytes bound of an item value's serialized JSON (and of a send's data), ≥ 1
   * @param maxValueDepth bound of a value's nesting, 1..{@link #MAX_VALUE_DEPTH}
   * @param idempotencyWindowMillis how long a write's idempotency key is remembered, ≥ 1
   * @param maxPresence the most entries one {@code stream::presence} returns, ≥ 1
   */
  public EngineCore(
      StorageAdapter storage,
      Executor executor,
      ExecutorService ownedExecutor,
      LaneLimits lanes,
      int maxItemBytes,
      int maxValueDepth,
      long idempotencyWindowMillis,
      int maxPresence) {
    this.limits = new ValueLimits(maxItemBytes, maxValueDepth);
    this.idempotencyWindowMillis = idempotencyWindowMillis;
    this.ownedExecutor = ownedExecutor;
    this.builtIns = BuiltInFunctions.of(this);
    this.functions = new FunctionTable(builtIns.keySet());
    this.storage = new OverridingStorage(storage, new Overrides(functions), limits);
    this.triggers = new TriggerTable(executor, lanes.triggerQueueLimit(), this::invoke);
    this.hub =
        new EventHub(
            executor,
            lanes.subscriberQueueLimit(),
            this.storage,
            this::takeSnapshot,
            (group, since) -> this.storage.eventsSince(group, since).map(this::views));
    this.presence = new Presences(this.storage, maxPresence, System::currentTimeMillis);
    this.storage.start(new Sink());
  }

  public FunctionRegistry functions() {
    return functions;
  }

  public TriggerRegistry triggers() {
    return triggers;
  }

  /** Calls a built-in or registered function; see {@code StreamEngine.invoke}. */
  public JsonNode invoke(String functionId, JsonNode input) {
    checkOpen();
    StreamFunction function = builtIns.get(functionId);
    if (function == null) {
      function = functions.find(functionId).orElse(null);
    }
    if (function == null) {
      throw new StreamException(
          StreamException.FUNCTION_NOT_FOUND, "Function not found: " + functionId);
    }
    try {
      return function.call(input);
    } catch (StreamException e) {
      throw e;
    } catch (Exception e) {
      throw new StreamException(
          "function_failed", "Function " + functionId + " failed: " + e.getMessage(), e);
    }
  }

  // ---- the eight stream functions, typed ----

  /** Stores a copy of {@code data} (null = JSON null) once it passed the value limits. */
  public SetResult set(GroupKey group, String item, JsonNode data) {
    return set(group, item, data, WriteOptions.none());
  }

  /** {@link #set(GroupKey, String, JsonNode)} under {@code options}, checked by the store. */
  public SetResult set(GroupKey group, String item, JsonNode data, WriteOptions options) {
    checkOpen();
    JsonNode value = data == null ? NullNode.getInstance() : data;
    limits.check("the data of stream::set", value);
    value = value.deepCopy(); // the caller keeps its tree; the store gets its own
    Change change = storage.set(group, item, value, guard(options)).change();
    return new SetResult(change.oldValue(), change.newValue(), change.seq());
  }

  public JsonNode get(GroupKey group, String item) {
    checkOpen();
    return storage.get(group, item);
  }

  /** Deletes an item; returns the removed value or Java null when there was none. */
  public JsonNode delete(GroupKey group, String item) {
    return delete(group, item, WriteOptions.none()).oldValue();
  }

  /** Deletes an item under {@code options}; version 0 when nothing was deleted. */
  public DeleteResult delete(GroupKey group, String item, WriteOptions options) {
    checkOpen();
    Change change = storage.delete(group, item, guard(options)).change();
    return new DeleteResult(change.oldValue(), change.seq());
  }

  public List<JsonNode> list(GroupKey group) {
    checkOpen();
    return storage.list(group);
  }

  /**
   * The group's items by id in list order. Refused for a stream whose {@code stream::list} is
   * overridden: override functions return values without ids.
   */
  public Map<String, JsonNode> items(GroupKey group) {
    checkOpen();
    if (storage.overridden("list", group.stream())) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT,
          "Stream "
              + group.stream()
              + " is listed by an override function, which returns values without item ids;"
              + " use list() instead of items()");
    }
    GroupSnapshot snap;
    try {
      snap = storage.snapshot(group);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_GET_GROUP_ERROR", "get group", e);
    }
    Map<String, JsonNode> items = new LinkedHashMap<>();
    snap.items().forEach(i -> items.put(i.id(), i.value()));
    return Collections.unmodifiableMap(items);
  }

  public List<String> listGroups(String stream) {
    checkOpen();
    return storage.listGroups(stream);
  }

  public SortedMap<String, List<String>> listAll() {
    checkOpen();
    return storage.listAll();
  }

  /** Emits a copy of {@code data} to the group's subscribers and {@code stream} triggers. */
  public void send(GroupKey group, String itemFilter, String type, JsonNode data) {
    send(group, itemFilter, type, data, WriteOptions.none());
  }

  /**
   * A send under {@code options}: only the idempotency key applies ({@code if_version} →
   * invalid_argument).
   */
  public void send(
      GroupKey group, String itemFilter, String type, JsonNode data, WriteOptions options) {
    checkOpen();
    if (options.expectedVersion().isPresent()) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT, "if_version does not apply to stream::send");
    }
    JsonNode checked = data == null ? NullNode.getInstance() : data;
    limits.check("the data of stream::send", checked);
    JsonNode payload = checked.deepCopy();
    storage.send(group, itemFilter, new Notice(Event.Kind.EVENT, type, payload), guard(options));
  }

  public UpdateResult update(GroupKey group, String item, List<UpdateOp> ops) {
    return update(group, item, ops, WriteOptions.none());
  }

  /** An update under {@code options}; a repeated key answers with the first call's errors. */
  public UpdateResult update(
      GroupKey group, String item, List<UpdateOp> ops, WriteOptions options) {
    checkOpen();
    List<UpdateOp> copy = List.copyOf(ops);
    UpdateRun run = new UpdateRun(copy, limits);
    Receipt receipt = storage.update(group, item, run, guard(options));
    Change change = receipt.change();
    List<UpdateOpError> errors =
        receipt.replayed() ? UpdateRun.errorsOf(receipt.note()) : run.errors();
    return new UpdateResult(change.oldValue(), change.newValue(), errors, change.seq());
  }

  /** The store's guard of a write with {@code options}, the key remembered for the window. */
  private Guard guard(WriteOptions options) {
    if (options.equals(WriteOptions.none())) {
      return Guard.NONE;
    }
    String key = options.key().orElse(null);
    return new Guard(
        options.expectedVersion().orElse(Guard.ANY_VERSION),
        key,
        key == null ? 0 : idempotencyWindowMillis);
  }

  // ---- subscriptions, join and leave ----

  public Subscription subscribe(
      GroupKey group, String itemId, Long since, StreamListener listener) {
    checkOpen();
    return hub.subscribe(group, itemId, since, listener);
  }

  /** The current state of a group (item null) or an item, with its seq; overrides apply. */
  public Snapshot snapshot(GroupKey group, String itemId) {
    checkOpen();
    return takeSnapshot(group, itemId);
  }

  /** {@link #snapshot} for the hub, whose subscriptions are closed with the engine. */
  private Snapshot takeSnapshot(GroupKey group, String itemId) {
    GroupSnapshot snap;
    try {
      snap = itemId == null ? storage.snapshot(group) : storage.snapshot(group, itemId);
    } catch (RuntimeException e) {
      // worded like a list/get failure, so callers (and the WebSocket join retry) see STREAM_*
      throw Failures.storage(
          itemId == null ? "STREAM_GET_GROUP_ERROR" : "STREAM_GET_ERROR",
          itemId == null ? "get group" : "get value",
          e);
    }
    Map<String, JsonNode> items = new LinkedHashMap<>();
    snap.items().forEach(i -> items.put(i.id(), i.value()));
    JsonNode data;
    if (itemId == null) {
      ArrayNode array = Json.array();
      if (storage.overridden("list", group.stream())) {
        items.clear();
        storage.list(group).forEach(array::add);
      } else {
        items.values().forEach(array::add);
      }
      data = array;
    } else if (storage.overridden("get", group.stream())) {
      items.clear();
      data = storage.get(group, itemId);
    } else {
      data = items.get(itemId);
    }
    return new Snapshot(
        group,
        itemId,
        data == null ? NullNode.getInstance() : data,
        items,
        snap.seq(),
        snap.timestamp());
  }

  public CompletableFuture<Boolean> join(JoinRequest request) {
    checkOpen();
    return triggers.join(request);
  }

  public CompletableFuture<Void> leave(JoinRequest request) {
    return triggers.leave(request);
  }

  /**
   * Records an allowed WebSocket join in its group's presence; see {@code StreamEngine.present}.
   */
  public Presence.Registration present(JoinRequest request) {
    checkOpen();
    return presence.join(request);
  }

  /** {@code stream::presence}: the group's live subscribers, sorted and bounded. */
  public List<Presence> presence(GroupKey group) {
    checkOpen();
    return presence.list(group);
  }

  /** The engine's counters since it started; see {@link EngineStats}. */
  public EngineStats stats() {
    long w = writes.sum();
    return new EngineStats(
        w,
        w + sends.sum(),
        hub.deliveries(),
        hub.subscriptions(),
        triggers.failures(),
        triggers.droppedInvocations(),
        hub.listenerFailures(),
        hub.overflows());
  }

  public long listenerFailures() {
    return hub.listenerFailures();
  }

  /** How often subscribers of a group fell behind their bound and were re-synchronized. */
  public long subscriberOverflows() {
    return hub.overflows();
  }

  // ---- events ----

  /**
   * What the store reports to: its own commits fire triggers and are counted, events reach the
   * subscribers through the hub. Only queues work; never calls the store.
   */
  private final class Sink implements EventSink {
    @Override
    public void committed(Event committed) {
      StreamEvent event = views.of(committed);
      if (committed.kind() == Event.Kind.EVENT) {
        sends.increment();
      } else {
        writes.increment();
      }
      try {
        triggers.fire(event);
      } catch (RuntimeException e) {
        LOG.warn("could not queue the triggers of {}", event, e);
      }
    }

    @Override
    public void event(Event event) {
      hub.event(views.of(event));
    }

    @Override
    public void lost(GroupKey group) {
      hub.lost(group);
    }
  }

  private List<StreamEvent> views(List<Event> events) {
    return events.stream().map(views::of).toList();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StreamException("engine_closed", "The stream engine is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    hub.closeAll();
    try {
      storage.close();
    } finally {
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
      }
    }
  }
}
