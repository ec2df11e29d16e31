package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.StorageAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Rivulet engine: items in a stream → group → item hierarchy, the {@code stream::*} functions,
 * triggers and live subscriptions.
 *
 * <pre>{@code
 * record Order(String id, int total) {}
 *
 * try (StreamEngine engine = StreamEngine.builder().build()) {
 *   Item o1 = engine.stream("orders").group("open").item("o-1");
 *   o1.set(new Order("o-1", 5));
 *   o1.update(UpdateOp.increment("total", 2));
 *   Order order = o1.get(Order.class); // Order[id=o-1, total=7]
 * }
 * }</pre>
 *
 * <p>The handles ({@link #stream}, {@link Stream}, {@link Group}, {@link Item}) and the positional
 * methods here ({@code set(stream, group, item, json)} …) are the same implementation as the {@code
 * stream::*} functions behind {@link #invoke}. Returned JSON nodes are shared with the store and
 * with events: treat them as read-only. Values passed in are copied where the engine keeps them.
 */
public final class StreamEngine implements AutoCloseable {
  private final EngineCore core;
  private final Values values;

  private StreamEngine(EngineCore core, Values values) {
    this.core = core;
    this.values = values;
  }

  /**
   * A builder with the defaults: in-memory storage and a small daemon thread pool.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Calls a function by id: one of the built-in {@code stream::*} functions or a registered one.
   *
   * @param functionId the function id, e.g. {@code stream::get}; never null
   * @param input the function's input JSON
   * @return the result JSON, or Java {@code null} for "no result" (e.g. {@code stream::get} of a
   *     missing item)
   * @throws StreamException with {@link StreamException#code()} as in the specification
   */
  public JsonNode invoke(String functionId, JsonNode input) {
    return core.invoke(Objects.requireNonNull(functionId, "functionId"), input);
  }

  /**
   * The handle of stream {@code name}: a cheap immutable view (no I/O) from which {@link
   * Stream#group groups} and {@link Group#item items} are reached.
   *
   * @param name the stream name
   * @return the stream's handle
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name
   */
  public Stream stream(String name) {
    return new Stream(core, values, name);
  }

  /**
   * The engine's counters since it started (writes, events, deliveries, subscribers, trigger
   * failures …); cheap enough to poll.
   *
   * @return the current counters
   */
  public EngineStats stats() {
    return core.stats();
  }

  /**
   * User functions, also callable through {@link #invoke}.
   *
   * @return the engine's function registry
   */
  public FunctionRegistry functions() {
    return core.functions();
  }

  /**
   * Triggers on item changes and on subscribers joining and leaving.
   *
   * @return the engine's trigger registry
   */
  public TriggerRegistry triggers() {
    return core.triggers();
  }

  /**
   * {@code stream::set}: stores a copy of {@code data} (null = JSON null).
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id
   * @param data the value; Java {@code null} stores JSON null
   * @return the old value (Java {@code null} for a new item) and the stored one
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code ({@code value_too_large} or {@code
   *     invalid_argument} when the value exceeds the limits)
   */
  public SetResult set(String stream, String group, String item, JsonNode data) {
    return core.set(
        key("stream::set", stream, group), Inputs.checkName("stream::set", "item_id", item), data);
  }

  /**
   * {@code stream::get}: reads one item.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id
   * @return the stored value, or Java {@code null} when the item does not exist
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code
   */
  public JsonNode get(String stream, String group, String item) {
    return core.get(
        key("stream::get", stream, group), Inputs.checkName("stream::get", "item_id", item));
  }

  /**
   * {@code stream::delete}: removes one item; deleting a missing item commits nothing and emits no
   * event.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id
   * @return the removed value, or Java {@code null} when there was none
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code
   */
  public JsonNode delete(String stream, String group, String item) {
    return core.delete(
        key("stream::delete", stream, group), Inputs.checkName("stream::delete", "item_id", item));
  }

  /**
   * {@code stream::list}: the group's item values.
   *
   * @param stream the stream name
   * @param group the group id
   * @return the values in creation order; empty for a missing group
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code
   */
  public List<JsonNode> list(String stream, String group) {
    return core.list(key("stream::list", stream, group));
  }

  /**
   * {@code stream::list_groups}: the stream's non-empty groups.
   *
   * @param stream the stream name
   * @return the group ids, sorted by Unicode code point (as an override function returns them when
   *     {@code stream::list_groups} is overridden for the stream)
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code
   */
  public List<String> listGroups(String stream) {
    return core.listGroups(Inputs.checkName("stream::list_groups", "stream_name", stream));
  }

  /**
   * {@code stream::list_all}: every stream with its non-empty groups.
   *
   * @return stream names (keys) and their group ids, both sorted by Unicode code point
   * @throws StreamException a storage failure with its {@code STREAM_*_ERROR} code
   */
  public SortedMap<String, List<String>> listAll() {
    return core.listAll();
  }

  /**
   * {@code stream::send}: emits a custom event to the group's subscribers and {@code stream}
   * triggers; nothing is stored, but the event takes the group's next {@code seq}.
   *
   * @param stream the stream name
   * @param group the group id
   * @param type the custom event type; never null
   * @param data the payload (a copy is sent); Java {@code null} sends JSON null
   * @param itemFilter only subscribers of this item (and of the whole group) get it; may be null
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code
   */
  public void send(String stream, String group, String type, JsonNode data, String itemFilter) {
    core.send(
        key("stream::send", stream, group),
        itemFilter == null ? null : Inputs.checkName("stream::send", "id", itemFilter),
        Objects.requireNonNull(type, "type"),
        data);
  }

  /**
   * {@code stream::update}: applies {@code ops} atomically, in order; a missing item is created.
   * Failed ops are in the result.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id
   * @param ops the operations; never null
   * @return the values before and after and the errors of the ops that failed
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name; a
   *     storage failure with its {@code STREAM_*_ERROR} code
   */
  public UpdateResult update(String stream, String group, String item, List<UpdateOp> ops) {
    return core.update(
        key("stream::update", stream, group),
        Inputs.checkName("stream::update", "item_id", item),
        Objects.requireNonNull(ops, "ops"));
  }

  /**
   * Subscribes in-process to a group ({@code item} null) or one item: the listener first gets a
   * snapshot with its {@code seq}, then every later event in {@code seq} order, with no gap and no
   * duplicate, even while writers race this call. See {@link StreamListener} for threads.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id, or null for the whole group
   * @param listener receives the snapshot and the events; never null
   * @return the subscription; close it to stop
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name
   */
  public Subscription subscribe(String stream, String group, String item, StreamListener listener) {
    return subscribe(stream, group, item, null, listener);
  }

  /**
   * Like {@link #subscribe(String, String, String, StreamListener)}, resuming after {@code since}
   * (a seq the subscriber last saw): when the store still holds every later event of the group they
   * are replayed in order after {@link StreamListener#onResumed}; otherwise the subscription starts
   * with a snapshot as usual. Either way nothing is missed or seen twice.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id, or null for the whole group
   * @param since the last {@code seq} the subscriber saw, or null to start from a snapshot
   * @param listener receives the snapshot or replay and the events; never null
   * @return the subscription; close it to stop
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name
   */
  public Subscription subscribe(
      String stream, String group, String item, Long since, StreamListener listener) {
    return core.subscribe(
        key("subscribe", stream, group),
        item == null ? null : Inputs.checkName("subscribe", "item_id", item),
        since,
        Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Runs the {@code stream:join} triggers for a subscriber; completes with {@code false} when one
   * of them refused it (returned {@code {"unauthorized": true}}). Handler errors allow.
   *
   * @param request who joins which group or item; never null
   * @return completes with {@code true} to allow the subscriber, {@code false} to refuse it
   */
  public CompletableFuture<Boolean> join(JoinRequest request) {
    return core.join(Objects.requireNonNull(request, "request"));
  }

  /**
   * Runs the {@code stream:leave} triggers for a subscriber that left.
   *
   * @param request who left which group or item; never null
   * @return completes when the triggers ran
   */
  public CompletableFuture<Void> leave(JoinRequest request) {
    return core.leave(Objects.requireNonNull(request, "request"));
  }

  /**
   * Records a subscriber whose join was allowed ({@link #join} completed with {@code true}) in its
   * group's presence, which {@code stream::presence} and {@link Group#presence()} list on every
   * instance, until the returned registration is closed. The WebSocket server calls it for each
   * accepted join and closes it on leave, on a replacing join and when the connection ends; an
   * embedding with its own transport may do the same. The entry's {@code joinedAt} is now.
   *
   * @param request who joined which group or item, with the connection's auth context; never null
   * @return the registration; {@link Presence.Registration#close() close} it when the subscriber
   *     leaves
   * @throws StreamException {@code engine_closed} when the engine is closed
   */
  public Presence.Registration present(JoinRequest request) {
    return core.present(Objects.requireNonNull(request, "request"));
  }

  /**
   * The current snapshot of a group (item null) or item, as a subscriber would start from.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id, or null for the whole group
   * @return the snapshot with the group's current {@code seq}
   * @throws StreamException {@code invalid_argument} for an empty, oversized or invalid name
   */
  public Snapshot snapshot(String stream, String group, String item) {
    return core.snapshot(
        key("snapshot", stream, group),
        item == null ? null : Inputs.checkName("snapshot", "item_id", item));
  }

  /** Stops the engine's threads and closes the storage; idempotent. */
  @Override
  public void close() {
    core.close();
  }

  private static GroupKey key(String functionId, String stream, String group) {
    return new GroupKey(
        Inputs.checkName(functionId, "stream_name", stream),
        Inputs.checkName(functionId, "group_id", group));
  }

  /** Default of {@link Builder#idempotencyWindow(Duration)}: 5 minutes. */
  public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofMinutes(5);

  /** Configures a {@link StreamEngine}; each setter checks its argument at once. */
  public static final class Builder {
    private StorageAdapter storage;
    private Executor executor;
    private ObjectMapper objectMapper;
    private int maxItemBytes = EngineCore.DEFAULT_MAX_ITEM_BYTES;
    private int maxValueDepth = EngineCore.MAX_VALUE_DEPTH;
    private int subscriberQueueLimit = LaneLimits.DEFAULT_LIMIT;
    private int triggerQueueLimit = LaneLimits.DEFAULT_LIMIT;
    private Duration idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
    private int maxPresence = EngineCore.DEFAULT_MAX_PRESENCE;

    private Builder() {}

    /**
     * Converts handle values ({@link Item#set(Object)}, {@link Item#get(Class)} …) to and from
     * JSON; default a plain mapper with the Jackson modules found on the class path (Java time
     * support when {@code jackson-datatype-jsr310} is there) writing dates as ISO-8601. Stored JSON
     * keeps the engine's own number rules whatever this mapper does.
     *
     * @param objectMapper the mapper; never null
     * @return this builder
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
      return this;
    }

    /**
     * Where items live; default an in-memory store (the system clock, {@link
     * EventHistory.Limits#defaults()} of event history per group). The engine closes it.
     *
     * @param storage the store; never null
     * @return this builder
     */
    public Builder storage(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Runs trigger handlers, join/leave handlers and subscriber callbacks; default a pool of daemon
     * threads named {@code rivulet-dispatch-N} with a queue bounded at 65 536 tasks, shut down by
     * {@link StreamEngine#close}. A given executor is not shut down by the engine. When the
     * executor refuses a task (its queue is full), a lane retries its turn shortly and a join or
     * leave completes exceptionally with code {@code overloaded}.
     *
     * @param executor runs the engine's callbacks; never null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Bound of the serialized JSON of one item value, in bytes (default 1 048 576): a set or update
     * whose result is longer, or a send whose data is, fails with {@code value_too_large} and
     * writes nothing.
     *
     * @param bytes the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is below 1
     */
    public Builder maxItemBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxItemBytes must be at least 1: " + bytes);
      }
      this.maxItemBytes = bytes;
      return this;
    }

    /**
     * How many events may wait for a group's subscribers (in-process listeners and WebSocket
     * subscriptions share the group's lane); default 10 000. Beyond it the waiting events are
     * replaced by one catch-up: each subscription of the group gets {@link
     * StreamListener#onSnapshot} with {@code resync = true}, then live events again, with no gap
     * and no duplicate.
     *
     * @param limit the bound per group, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public Builder subscriberQueueLimit(int limit) {
      this.subscriberQueueLimit = LaneLimits.check("subscriberQueueLimit", limit);
      return this;
    }

    /**
     * Bound of a value's nesting (containers counted: a scalar is 0, {@code []} is 1), default and
     * at most 1 000: a deeper value fails with {@code invalid_argument} and writes nothing.
     *
     * @param depth the bound, 1 to 1 000
     * @return this builder
     * @throws IllegalArgumentException when {@code depth} is outside 1 to 1 000
     */
    public Builder maxValueDepth(int depth) {
      if (depth < 1 || depth > EngineCore.MAX_VALUE_DEPTH) {
        throw new IllegalArgumentException(
            "maxValueDepth must be in 1.." + EngineCore.MAX_VALUE_DEPTH + ": " + depth);
      }
      this.maxValueDepth = depth;
      return this;
    }

    /**
     * How many {@code stream} trigger invocations may wait on a group's trigger lane; default 10
     * 000. Beyond it the oldest waiting invocation is dropped and counted ({@link
     * TriggerRegistry#droppedInvocations}).
     *
     * @param limit the bound per group, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public Builder triggerQueueLimit(int limit) {
      this.triggerQueueLimit = LaneLimits.check("triggerQueueLimit", limit);
      return this;
    }

    /**
     * How long the result of a write with an {@code idempotency_key} is remembered for repeats of
     * the key on the same group (default 5 minutes; {@link WriteOptions}). In-process stores keep
     * at most 100 000 keys (the oldest are forgotten first); Redis keeps each key as its own key
     * that expires after the window.
     *
     * @param window at least 1 ms
     * @return this builder
     * @throws IllegalArgumentException when {@code window} is null, under 1 ms or over a year
     */
    public Builder idempotencyWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.toMillis() < 1 || window.compareTo(Duration.ofDays(366)) > 0) {
        throw new IllegalArgumentException(
            "idempotencyWindow must be between 1 ms and 366 days: " + window);
      }
      this.idempotencyWindow = window;
      return this;
    }

    /**
     * The most entries one {@code stream::presence} (or {@link Group#presence()}) returns, default
     * 1 000: the earliest joined ones (in the order of the result) when a group has more live
     * subscribers.
     *
     * @param max the bound, 1 to 1 000 000
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is outside 1 to 1 000 000
     */
    public Builder maxPresence(int max) {
      if (max < 1 || max > 1_000_000) {
        throw new IllegalArgumentException("maxPresence must be in 1..1000000: " + max);
      }
      this.maxPresence = max;
      return this;
    }

    /**
     * Builds the engine, which starts the storage adapter ({@link StorageAdapter#start}) before any
     * write.
     *
     * @return a new engine; close it to stop its threads and close the storage
     */
    public StreamEngine build() {
      StorageAdapter store =
          storage != null
              ? storage
              : TableStore.inMemory(System::currentTimeMillis, EventHistory.Limits.defaults());
      ExecutorService owned = executor == null ? defaultExecutor() : null;
      Values values = objectMapper != null ? new Values(objectMapper) : Values.withDefaultMapper();
      LaneLimits lanes = new LaneLimits(subscriberQueueLimit, triggerQueueLimit);
      return new StreamEngine(
          new EngineCore(
              store,
              executor != null ? executor : owned,
              owned,
              lanes,
              maxItemBytes,
              maxValueDepth,
              idempotencyWindow.toMillis(),
              maxPresence),
          values);
    }

    /** Capacity of the default executor's queue. */
    private static final int DEFAULT_QUEUE = 65_536;

    private static ExecutorService defaultExecutor() {
      int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
      AtomicInteger counter = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(DEFAULT_QUEUE), // full → RejectedExecutionException
              r -> {
                Thread t = new Thread(r, "rivulet-dispatch-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
