package dev.rivulet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.EngineStats;
import dev.rivulet.FunctionRegistry;
import dev.rivulet.JoinRequest;
import dev.rivulet.SetResult;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.StreamFunction;
import dev.rivulet.StreamListener;
import dev.rivulet.Subscription;
import dev.rivulet.TriggerRegistry;
import dev.rivulet.UpdateOp;
import dev.rivulet.UpdateResult;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.EventTransport;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Notice;
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
 * function too), per-stream overrides, event publication, triggers and subscriptions.
 */
public final class EngineCore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineCore.class);

  private final StorageAdapter storage;
  private final EventTransport transport;
  private final ExecutorService ownedExecutor;
  private final FunctionTable functions;
  private final TriggerTable triggers;
  private final EventHub hub;
  private final Overrides overrides;
  private final Map<String, StreamFunction> builtIns;
  private final ValueLimits limits;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder writes = new LongAdder();
  private final LongAdder sends = new LongAdder();

  /** Default of {@code maxItemBytes}: the serialized JSON of one item value, in bytes. */
  public static final int DEFAULT_MAX_ITEM_BYTES = ValueLimits.DEFAULT_MAX_ITEM_BYTES;

  /** Default and hard maximum of {@code maxValueDepth}. */
  public static final int MAX_VALUE_DEPTH = ValueLimits.MAX_VALUE_DEPTH;

  /**
   * @param ownedExecutor shut down on close (null when the executor belongs to the caller)
   * @param lanes the bounds of the trigger and subscriber lanes
   * @param maxItemBytes bound of an item value's serialized JSON (and of a send's data), ≥ 1
   * @param maxValueDepth bound of a value's nesting, 1..{@link #MAX_VALUE_DEPTH}
   */
  public EngineCore(
      StorageAdapter storage,
      Executor executor,
      ExecutorService ownedExecutor,
      LaneLimits lanes,
      int maxItemBytes,
      int maxValueDepth) {
    this.limits = new ValueLimits(maxItemBytes, maxValueDepth);
    this.storage = storage;
    this.transport = storage.transport();
    this.ownedExecutor = ownedExecutor;
    this.builtIns = BuiltInFunctions.of(this);
    this.functions = new FunctionTable(builtIns.keySet());
    this.overrides = new Overrides(functions);
    this.triggers = new TriggerTable(executor, lanes.triggerQueueLimit(), this::invoke);
    this.hub =
        new EventHub(
            executor,
            lanes.subscriberQueueLimit(),
            transport,
            this::snapshot,
            storage::eventsSince);
    transport.start(hub);
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
    checkOpen();
    JsonNode value = data == null ? NullNode.getInstance() : data;
    limits.check("the data of stream::set", value);
    value = value.deepCopy(); // the caller keeps its tree; the store gets its own
    StreamFunction override = overrides.find("set", group.stream());
    if (override != null) {
      SetResult result = overrides.set(override, group, item, value);
      commitWithoutStorage(group, item, writeKind(result.oldValue()), result.newValue());
      return result;
    }
    Change change;
    try {
      change = storage.set(group, item, value, this::publishChange);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_SET_ERROR", "set value", e);
    }
    return new SetResult(change.oldValue(), change.newValue());
  }

  public JsonNode get(GroupKey group, String item) {
    checkOpen();
    StreamFunction override = overrides.find("get", group.stream());
    if (override != null) {
      return overrides.read(
          override, "STREAM_GET_ERROR", "get value", Overrides.input(group, item));
    }
    try {
      return storage.get(group, item);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_GET_ERROR", "get value", e);
    }
  }

  /** Deletes an item; returns the removed value or Java null when there was none. */
  public JsonNode delete(GroupKey group, String item) {
    checkOpen();
    StreamFunction override = overrides.find("delete", group.stream());
    if (override != null) {
      JsonNode old = overrides.delete(override, group, item);
      if (old != null && !old.isNull()) {
        commitWithoutStorage(group, item, StreamEvent.Kind.DELETE, old);
      }
      return old;
    }
    try {
      return storage.delete(group, item, this::publishChange).oldValue();
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_DELETE_ERROR", "delete value", e);
    }
  }

  public List<JsonNode> list(GroupKey group) {
    checkOpen();
    StreamFunction override = overrides.find("list", group.stream());
    if (override != null) {
      JsonNode result =
          overrides.read(override, "STREAM_GET_GROUP_ERROR", "get group", Overrides.input(group));
      return result == null ? List.of() : Overrides.elements(result);
    }
    try {
      return storage.list(group);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_GET_GROUP_ERROR", "get group", e);
    }
  }

  /**
   * The group's items by id in list order. Refused for a stream whose {@code stream::list} is
   * overridden: override functions return values without ids.
   */
  public Map<String, JsonNode> items(GroupKey group) {
    checkOpen();
    if (overrides.find("list", group.stream()) != null) {
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
    StreamFunction override = overrides.find("list_groups", stream);
    if (override != null) {
      ObjectNode input = Json.MAPPER.createObjectNode().put("stream_name", stream);
      JsonNode result = overrides.read(override, "STREAM_LIST_GROUPS_ERROR", "list groups", input);
      return result == null
          ? List.of()
          : Overrides.elements(result).stream().map(JsonNode::asText).toList();
    }
    try {
      return storage.listGroups(stream);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_LIST_GROUPS_ERROR", "list groups", e);
    }
  }

  public SortedMap<String, List<String>> listAll() {
    checkOpen();
    try {
      return storage.listAll();
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_LIST_ALL_ERROR", "list stream", e);
    }
  }

  /** Emits a copy of {@code data} to the group's subscribers and {@code stream} triggers. */
  public void send(GroupKey group, String itemFilter, String type, JsonNode data) {
    checkOpen();
    JsonNode checked = data == null ? NullNode.getInstance() : data;
    limits.check("the data of stream::send", checked);
    JsonNode payload = checked.deepCopy();
    try {
      Notice notice = new Notice(StreamEvent.Kind.EVENT, type, payload);
      storage.send(
          group,
          itemFilter,
          notice,
          change -> publish(notice.toEvent(group, itemFilter, change.seq(), change.timestamp())));
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_SEND_ERROR", "send event", e);
    }
  }

  public UpdateResult update(GroupKey group, String item, List<UpdateOp> ops) {
    checkOpen();
    List<UpdateOp> copy = List.copyOf(ops);
    StreamFunction override = overrides.find("update", group.stream());
    if (override != null) {
      UpdateResult result = overrides.update(override, group, item, copy);
      commitWithoutStorage(group, item, writeKind(result.oldValue()), result.newValue());
      return result;
    }
    UpdateRun run = new UpdateRun(copy, limits);
    Change change;
    try {
      change = storage.update(group, item, run, this::publishChange);
    } catch (StreamException e) {
      throw ValueLimits.isRefusal(e)
          ? e
          : Failures.storage("STREAM_UPDATE_ERROR", "update value", e);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_UPDATE_ERROR", "update value", e);
    }
    return new UpdateResult(change.oldValue(), change.newValue(), run.errors());
  }

  // ---- subscriptions, join and leave ----

  public Subscription subscribe(
      GroupKey group, String itemId, Long since, StreamListener listener) {
    checkOpen();
    return hub.subscribe(group, itemId, since, listener);
  }

  /** The current state of a group (item null) or an item, with its seq; overrides apply. */
  public Snapshot snapshot(GroupKey group, String itemId) {
    GroupSnapshot snap = itemId == null ? storage.snapshot(group) : storage.snapshot(group, itemId);
    Map<String, JsonNode> items = new LinkedHashMap<>();
    snap.items().forEach(i -> items.put(i.id(), i.value()));
    JsonNode data;
    if (itemId == null) {
      ArrayNode array = Json.MAPPER.createArrayNode();
      if (overrides.find("list", group.stream()) != null) {
        items.clear();
        list(group).forEach(array::add);
      } else {
        items.values().forEach(array::add);
      }
      data = array;
    } else if (overrides.find("get", group.stream()) != null) {
      items.clear();
      data = get(group, itemId);
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

  /** The commit listener of storage writes: one event per committed change. */
  private void publishChange(Change change) {
    StreamEvent.Kind kind =
        change.newValue() == null ? StreamEvent.Kind.DELETE : writeKind(change.oldValue());
    JsonNode data = kind == StreamEvent.Kind.DELETE ? change.oldValue() : change.newValue();
    publish(
        StreamEvent.change(
            change.group(), change.item(), kind, data, change.seq(), change.timestamp()));
  }

  /** Writes done by an override function still get a seq and an event from the engine. */
  private void commitWithoutStorage(
      GroupKey group, String item, StreamEvent.Kind kind, JsonNode data) {
    Notice notice = new Notice(kind, null, data);
    try {
      storage.send(
          group,
          item,
          notice,
          change -> publish(notice.toEvent(group, item, change.seq(), change.timestamp())));
    } catch (RuntimeException e) {
      LOG.warn("could not publish the change of {} / {} made by an override", group, item, e);
    }
  }

  /** create or update, by whether there was an old value. */
  private static StreamEvent.Kind writeKind(JsonNode oldValue) {
    return oldValue == null ? StreamEvent.Kind.CREATE : StreamEvent.Kind.UPDATE;
  }

  private void publish(StreamEvent event) {
    if (event.kind() == StreamEvent.Kind.EVENT) {
      sends.increment();
    } else {
      writes.increment();
    }
    try {
      storage.remember(event);
      transport.publish(event);
    } catch (RuntimeException e) {
      LOG.warn("could not publish {}", event, e);
    }
    triggers.fire(event);
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
    try {
      transport.close();
    } finally {
      try {
        storage.close();
      } finally {
        if (ownedExecutor != null) {
          ownedExecutor.shutdown();
        }
      }
    }
  }
}
