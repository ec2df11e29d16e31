package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import dev.rivulet.internal.NameCheck;
import dev.rivulet.spi.GroupKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered triggers and their dispatch: {@code stream} handlers of one group run one after
 * another in {@code seq} order on the group's lane; join/leave handlers run on the executor.
 */
final class TriggerTable implements TriggerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerTable.class);

  /** A registered trigger with its parsed config. */
  private record Entry(
      Trigger trigger, String stream, String group, String item, String condition) {

    boolean matches(StreamEvent event) {
      return (group == null || group.equals(event.groupId()))
          && (item == null || item.equals(event.itemId()));
    }
  }

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();
  private final Map<String, List<Entry>> streamTriggers = new ConcurrentHashMap<>();
  private final List<Entry> joinLeave = new CopyOnWriteArrayList<>();
  private final KeyedSerialExecutor<GroupKey> lanes;
  private final Executor executor;
  private final BiFunction<String, JsonNode, JsonNode> invoker;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Throttle dropWarnings = new Throttle(10, TimeUnit.SECONDS);

  /**
   * @param laneLimit queued handler invocations per group; beyond it (or beyond {@link
   *     KeyedSerialExecutor#TOTAL_LANES} times it across all groups) the oldest of the group are
   *     dropped and counted
   * @param invoker calls a function by id (for function-bound handlers and conditions)
   */
  TriggerTable(Executor executor, int laneLimit, BiFunction<String, JsonNode, JsonNode> invoker) {
    this.executor = executor;
    this.lanes = new KeyedSerialExecutor<>(executor, laneLimit, KeyedSerialExecutor.dropOldest());
    this.invoker = invoker;
  }

  @Override
  public synchronized Optional<Trigger> register(Trigger trigger) {
    Entry entry = parse(Objects.requireNonNull(trigger, "trigger"));
    Optional<Trigger> replaced = remove(trigger.id());
    byId.put(trigger.id(), entry);
    if (trigger.type() == TriggerType.STREAM) {
      streamTriggers.computeIfAbsent(entry.stream, s -> new CopyOnWriteArrayList<>()).add(entry);
    } else {
      joinLeave.add(entry);
    }
    return replaced;
  }

  @Override
  public Optional<Trigger> find(String id) {
    return Optional.ofNullable(byId.get(id)).map(Entry::trigger);
  }

  @Override
  public synchronized Optional<Trigger> remove(String id) {
    Entry entry = byId.remove(id);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.trigger.type() == TriggerType.STREAM) {
      streamTriggers.computeIfPresent(
          entry.stream,
          (s, list) -> {
            list.remove(entry);
            return list.isEmpty() ? null : list;
          });
    } else {
      joinLeave.remove(entry);
    }
    return Optional.of(entry.trigger);
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public long droppedInvocations() {
    return dropped.get();
  }

  private static Entry parse(Trigger trigger) {
    JsonNode config = trigger.config();
    if (!config.isObject()) {
      throw invalid(trigger, "config must be a JSON object");
    }
    String stream = field(trigger, "stream_name");
    if (trigger.type() == TriggerType.STREAM && stream == null) {
      throw invalid(trigger, "a stream trigger needs a non-empty stream_name");
    }
    return new Entry(
        trigger,
        stream,
        field(trigger, "group_id"),
        field(trigger, "item_id"),
        field(trigger, "condition_function_id"));
  }

  /** A string config field; absent, null or empty → null. */
  private static String field(Trigger trigger, String name) {
    JsonNode value = trigger.config().get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid(trigger, name + " must be a string, got " + Json.typeName(value));
    }
    String text = value.textValue();
    int lone = NameCheck.loneSurrogate(text);
    if (lone >= 0) {
      throw invalid(trigger, name + " " + NameCheck.loneSurrogateDetail(text, lone));
    }
    return text.isEmpty() ? null : text;
  }

  private static StreamException invalid(Trigger trigger, String detail) {
    return new StreamException(
        StreamException.INVALID_ARGUMENT,
        "Failed to register "
            + trigger.type().wireName()
            + " trigger '"
            + trigger.id()
            + "': "
            + detail);
  }

  /**
   * Queues the {@code stream} triggers matching a committed event, one invocation each; cheap when
   * none match. A full lane drops its oldest invocation (counted, warned about now and then).
   */
  void fire(StreamEvent event) {
    List<Entry> candidates = streamTriggers.get(event.streamName());
    if (candidates == null) {
      return;
    }
    for (Entry entry : candidates) {
      if (entry.matches(event)) {
        int lost = lanes.execute(event.group(), () -> run(entry, event.toJson()));
        if (lost > 0) {
          dropped(event, lost);
        }
      }
    }
  }

  private void dropped(StreamEvent event, int count) {
    long total = dropped.addAndGet(count);
    if (dropWarnings.ready()) {
      LOG.warn(
          "trigger lane of {} full at seq {}: dropped its oldest invocation ({} dropped so far)",
          event.group(),
          event.seq(),
          total);
    }
  }

  /**
   * Runs every join handler for {@code request}; completes with false when one of them returned
   * {@code {"unauthorized": true}}; fails with {@code overloaded} when the executor refused it.
   */
  CompletableFuture<Boolean> join(JoinRequest request) {
    return async(
        () -> {
          boolean allowed = true;
          for (JsonNode result : runJoinLeave(TriggerType.JOIN, request)) {
            if (result != null
                && result.path("unauthorized").isBoolean()
                && result.get("unauthorized").booleanValue()) {
              allowed = false;
            }
          }
          return allowed;
        });
  }

  /** Runs every leave handler for {@code request}; fails like {@link #join} when refused. */
  CompletableFuture<Void> leave(JoinRequest request) {
    return async(
        () -> {
          runJoinLeave(TriggerType.LEAVE, request);
          return null;
        });
  }

  /** Runs on the executor; a refusal (its queue is full) fails the future instead of throwing. */
  private <T> CompletableFuture<T> async(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new StreamException("overloaded", "The engine's executor is full; try again", e));
    }
  }

  private List<JsonNode> runJoinLeave(TriggerType type, JoinRequest request) {
    ObjectNode payload = request.toJson();
    return joinLeave.stream()
        .filter(e -> e.trigger.type() == type)
        .filter(e -> e.stream == null || e.stream.equals(request.streamName()))
        .map(e -> run(e, payload))
        .toList();
  }

  /** Condition, then handler; returns the handler's result or null. Never throws. */
  private JsonNode run(Entry entry, JsonNode payload) {
    Trigger trigger = entry.trigger;
    try {
      if (entry.condition != null) {
        JsonNode verdict;
        try {
          verdict = invoker.apply(entry.condition, payload);
        } catch (RuntimeException e) {
          failures.incrementAndGet();
          LOG.warn("condition {} of trigger {} failed; skipping", entry.condition, trigger.id(), e);
          return null;
        }
        if (verdict != null && verdict.isBoolean() && !verdict.booleanValue()) {
          return null;
        }
      }
      return trigger.handler() != null
          ? trigger.handler().call(payload)
          : invoker.apply(trigger.functionId(), payload);
    } catch (Exception e) {
      failures.incrementAndGet();
      LOG.warn("handler of trigger {} failed", trigger.id(), e);
      return null;
    }
  }
}
