package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.ItemUpdater;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.PresenceEntry;
import dev.rivulet.spi.Receipt;
import dev.rivulet.spi.StorageAdapter;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store as the engine's functions see it: the real adapter, except for a stream with a
 * per-stream override function {@code stream::<op>(<stream>)} (set, get, delete, list, list_groups,
 * update), whose function replaces the adapter for that op. A write done by an override still gets
 * its seq and event from the real adapter, through {@link StorageAdapter#send} with a {@link
 * Notice} of the change, so triggers and subscribers see it like any other. Failures of the real
 * adapter are worded as the reference does ({@code STREAM_*_ERROR}, {@code Failed to <verb>:
 * <cause>}); failures of override functions keep the wording of {@link Overrides}.
 */
final class OverridingStorage implements StorageAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(OverridingStorage.class);

  private final StorageAdapter delegate;
  private final Overrides overrides;
  private final ValueLimits limits;

  /** {@code limits} also bound the values override functions write, like every other write. */
  OverridingStorage(StorageAdapter delegate, Overrides overrides, ValueLimits limits) {
    this.delegate = delegate;
    this.overrides = overrides;
    this.limits = limits;
  }

  /** Whether {@code op} of {@code stream} is served by an override function. */
  boolean overridden(String op, String stream) {
    return overrides.find(op, stream) != null;
  }

  @Override
  public void start(EventSink sink) {
    delegate.start(sink);
  }

  @Override
  public JsonNode get(GroupKey group, String item) {
    StreamFunction override = overrides.find("get", group.stream());
    if (override != null) {
      return overrides.read(
          override, "STREAM_GET_ERROR", "get value", Overrides.input(group, item));
    }
    return call("STREAM_GET_ERROR", "get value", () -> delegate.get(group, item));
  }

  @Override
  public Change set(GroupKey group, String item, JsonNode value) {
    StreamFunction override = overrides.find("set", group.stream());
    if (override != null) {
      SetResult result = overrides.set(override, group, item, value);
      checkWritten("set", group, result.newValue());
      return commitOverride(group, item, result.oldValue(), result.newValue());
    }
    return call("STREAM_SET_ERROR", "set value", () -> delegate.set(group, item, value));
  }

  @Override
  public Change delete(GroupKey group, String item) {
    StreamFunction override = overrides.find("delete", group.stream());
    if (override != null) {
      JsonNode old = overrides.delete(override, group, item);
      return old == null ? Change.nothing(group, item) : commitOverride(group, item, old, null);
    }
    return call("STREAM_DELETE_ERROR", "delete value", () -> delegate.delete(group, item));
  }

  /**
   * With an override, {@code updater} must be the engine's {@link UpdateRun}: the function gets its
   * ops and hands back the errors.
   */
  @Override
  public Change update(GroupKey group, String item, ItemUpdater updater) {
    StreamFunction override = overrides.find("update", group.stream());
    if (override != null) {
      if (!(updater instanceof UpdateRun run)) {
        throw new IllegalArgumentException("an overridden update takes the engine's UpdateRun");
      }
      UpdateResult result = overrides.update(override, group, item, run.ops());
      checkWritten("update", group, result.newValue());
      run.overridden(result.errors());
      return commitOverride(group, item, result.oldValue(), result.newValue());
    }
    return updating(() -> delegate.update(group, item, updater));
  }

  @Override
  public Change send(GroupKey group, String item, Notice notice) {
    return call("STREAM_SEND_ERROR", "send event", () -> delegate.send(group, item, notice));
  }

  // ---- guarded writes: the real adapter checks the guard; overridden streams take none ----

  @Override
  public Receipt set(GroupKey group, String item, JsonNode value, Guard guard) {
    if (guard.isNone()) {
      return Receipt.of(set(group, item, value));
    }
    refuseOverridden("set", group);
    return call("STREAM_SET_ERROR", "set value", () -> delegate.set(group, item, value, guard));
  }

  @Override
  public Receipt delete(GroupKey group, String item, Guard guard) {
    if (guard.isNone()) {
      return Receipt.of(delete(group, item));
    }
    refuseOverridden("delete", group);
    return call("STREAM_DELETE_ERROR", "delete value", () -> delegate.delete(group, item, guard));
  }

  @Override
  public Receipt update(GroupKey group, String item, ItemUpdater updater, Guard guard) {
    if (guard.isNone()) {
      return Receipt.of(update(group, item, updater));
    }
    refuseOverridden("update", group);
    return updating(() -> delegate.update(group, item, updater, guard));
  }

  @Override
  public Receipt send(GroupKey group, String item, Notice notice, Guard guard) {
    return call("STREAM_SEND_ERROR", "send event", () -> delegate.send(group, item, notice, guard));
  }

  /** An override function cannot check a version or remember a key atomically with its write. */
  private void refuseOverridden(String op, GroupKey group) {
    if (overridden(op, group.stream())) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT,
          "if_version and idempotency_key are not supported for stream "
              + group.stream()
              + ", whose stream::"
              + op
              + " is an override function");
    }
  }

  /** The real adapter's update; a refusal of the new value keeps its code. */
  private static <T> T updating(Supplier<T> call) {
    try {
      return call.get();
    } catch (StreamException e) {
      throw ValueLimits.isRefusal(e)
          ? e
          : Failures.storage("STREAM_UPDATE_ERROR", "update value", e);
    } catch (RuntimeException e) {
      throw Failures.storage("STREAM_UPDATE_ERROR", "update value", e);
    }
  }

  @Override
  public List<JsonNode> list(GroupKey group) {
    StreamFunction override = overrides.find("list", group.stream());
    if (override != null) {
      JsonNode result =
          overrides.read(override, "STREAM_GET_GROUP_ERROR", "get group", Overrides.input(group));
      return result == null ? List.of() : Overrides.elements(result);
    }
    return call("STREAM_GET_GROUP_ERROR", "get group", () -> delegate.list(group));
  }

  /** The real adapter's snapshot (override functions return values without ids or seq). */
  @Override
  public GroupSnapshot snapshot(GroupKey group) {
    return delegate.snapshot(group);
  }

  @Override
  public GroupSnapshot snapshot(GroupKey group, String item) {
    return delegate.snapshot(group, item);
  }

  @Override
  public List<String> listGroups(String stream) {
    StreamFunction override = overrides.find("list_groups", stream);
    if (override != null) {
      ObjectNode input = Json.object().put("stream_name", stream);
      JsonNode result = overrides.read(override, "STREAM_LIST_GROUPS_ERROR", "list groups", input);
      return result == null
          ? List.of()
          : Overrides.elements(result).stream().map(JsonNode::asText).toList();
    }
    return call("STREAM_LIST_GROUPS_ERROR", "list groups", () -> delegate.listGroups(stream));
  }

  @Override
  public SortedMap<String, List<String>> listAll() {
    return call("STREAM_LIST_ALL_ERROR", "list stream", delegate::listAll);
  }

  @Override
  public Optional<List<Event>> eventsSince(GroupKey group, long since) {
    return delegate.eventsSince(group, since);
  }

  @Override
  public void subscribe(GroupKey group) {
    delegate.subscribe(group);
  }

  @Override
  public void unsubscribe(GroupKey group) {
    delegate.unsubscribe(group);
  }

  @Override
  public void presenceJoined(GroupKey group, PresenceEntry entry) {
    delegate.presenceJoined(group, entry);
  }

  @Override
  public void presenceLeft(GroupKey group, PresenceEntry entry) {
    delegate.presenceLeft(group, entry);
  }

  @Override
  public Optional<List<PresenceEntry>> presence(GroupKey group) {
    return delegate.presence(group);
  }

  @Override
  public void close() {
    delegate.close();
  }

  /**
   * A write an override function made outside storage: the real adapter commits a change without
   * values for it (next seq, timestamp) and reports its event. A failure there is logged, not
   * thrown: the function's write happened.
   */
  private Change commitOverride(GroupKey group, String item, JsonNode oldValue, JsonNode newValue) {
    Event.Kind kind =
        newValue == null
            ? Event.Kind.DELETE
            : oldValue == null ? Event.Kind.CREATE : Event.Kind.UPDATE;
    Change committed;
    try {
      committed =
          delegate.send(
              group, item, new Notice(kind, null, newValue == null ? oldValue : newValue));
    } catch (RuntimeException e) {
      LOG.warn("could not publish the change of {} / {} made by an override", group, item, e);
      committed = Change.nothing(group, item);
    }
    return new Change(group, item, oldValue, newValue, committed.seq(), committed.timestamp());
  }

  /**
   * Refuses the value an override function wrote ({@code invalid_argument}, {@code
   * value_too_large}) before its event is committed, so nothing is emitted.
   */
  private void checkWritten(String op, GroupKey group, JsonNode newValue) {
    if (newValue != null) {
      limits.check("the new value of stream::" + op + "(" + group.stream() + ")", newValue);
    }
  }

  /** Calls the real adapter, wording its failure as {@code Failed to <verb>: <cause>}. */
  private static <T> T call(String code, String verb, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw Failures.storage(code, verb, e);
    }
  }
}
