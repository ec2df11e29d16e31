package dev.rivulet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.JoinRequest;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.Trigger;
import dev.rivulet.TriggerRegistry;
import dev.rivulet.TriggerType;
import dev.rivulet.spi.GroupKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
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

  /**
   * @param invoker calls a function by id (for function-bound handlers and conditions)
   */
  TriggerTable(Executor executor, BiFunction<String, JsonNode, JsonNode> invoker) {
    this.executor = executor;
    this.lanes = new KeyedSerialExecutor<>(executor);
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
    int lone = Inputs.loneSurrogate(text);
    if (lone >= 0) {
      throw invalid(trigger, name + " " + Inputs.loneSurrogateDetail(text, lone));
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

  /** Queues the {@code stream} triggers matching a committed event; cheap when none match. */
  void fire(StreamEvent event) {
    List<Entry> candidates = streamTriggers.get(event.streamName());
    if (candidates == null) {
      return;
    }
    List<Entry> matching = candidates.stream().filter(e -> e.matches(event)).toList();
    if (!matching.isEmpty()) {
      lanes.execute(
          event.group(),
          () -> {
            for (Entry entry : matching) {
              run(entry, event.toJson());
            }
          });
    }
  }

  /**
   * Runs every join handler for {@code request}; completes with false when one of them returned
   * {@code {"unauthorized": true}}.
   */
  CompletableFuture<Boolean> join(JoinRequest request) {
    return CompletableFuture.supplyAsync(
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
        },
        executor);
  }

  /** Runs every leave handler for {@code request}. */
  CompletableFuture<Void> leave(JoinRequest request) {
    return CompletableFuture.runAsync(() -> runJoinLeave(TriggerType.LEAVE, request), executor);
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
