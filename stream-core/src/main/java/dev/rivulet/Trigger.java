package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.util.Objects;

/**
 * A trigger: when an event of its {@link TriggerType} matches its config, its handler runs with the
 * event payload. The handler is either a function id (looked up at fire time) or a Java {@link
 * StreamFunction}.
 *
 * <p>Config keys (all optional at this level, checked by {@link TriggerRegistry#register}): {@code
 * stream_name} (required for {@code stream} triggers; for join/leave it limits the trigger to one
 * stream), {@code group_id} and {@code item_id} (exact match, empty or absent = any; {@code stream}
 * triggers only), {@code condition_function_id} (the handler runs unless it returns exactly {@code
 * false}).
 */
public record Trigger(
    String id, TriggerType type, JsonNode config, String functionId, StreamFunction handler) {

  public Trigger {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    config = config == null ? Json.object() : config.deepCopy();
    if ((functionId == null) == (handler == null)) {
      throw new IllegalArgumentException("exactly one of functionId and handler must be given");
    }
  }

  /** A trigger that calls the function registered under {@code functionId}. */
  public static Trigger toFunction(
      String id, TriggerType type, JsonNode config, String functionId) {
    return new Trigger(id, type, config, Objects.requireNonNull(functionId, "functionId"), null);
  }

  /** A trigger that calls a Java handler. */
  public static Trigger toHandler(
      String id, TriggerType type, JsonNode config, StreamFunction handler) {
    return new Trigger(id, type, config, null, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * A typed {@code stream} trigger on {@code stream}: {@code Trigger.onStream("orders")
   * .group("open").id("audit").handle(event -> …)}, then {@link TriggerRegistry#register}.
   */
  public static StreamBuilder onStream(String stream) {
    return new StreamBuilder(Objects.requireNonNull(stream, "stream"));
  }

  /**
   * A typed {@code stream:join} trigger: {@code Trigger.onJoin().stream("chat").authorize(request
   * -> request.context() != null)}; a handler returning false refuses the subscriber.
   */
  public static JoinBuilder onJoin() {
    return new JoinBuilder();
  }

  /** A typed {@code stream:leave} trigger: {@code Trigger.onLeave().handle(request -> …)}. */
  public static LeaveBuilder onLeave() {
    return new LeaveBuilder();
  }

  /** Handles a committed change or custom event. */
  @FunctionalInterface
  public interface EventHandler {
    void handle(StreamEvent event) throws Exception;
  }

  /** Decides whether a subscriber may join; false refuses it. */
  @FunctionalInterface
  public interface JoinHandler {
    boolean allow(JoinRequest request) throws Exception;
  }

  /** Handles a subscriber that left. */
  @FunctionalInterface
  public interface LeaveHandler {
    void handle(JoinRequest request) throws Exception;
  }

  /** What the typed builders share: the id, the condition function and the config. */
  public abstract static class Builder<B extends Builder<B>> {
    private final TriggerType type;
    private final ObjectNode config = Json.object();
    private String id;

    Builder(TriggerType type) {
      this.type = type;
    }

    /** The trigger's id (to find or remove it); default a random {@code trigger-<uuid>}. */
    public B id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return self();
    }

    /**
     * The id of a function called with the same payload first; the handler runs unless it returns
     * exactly {@code false}.
     */
    public B condition(String functionId) {
      config.put("condition_function_id", Objects.requireNonNull(functionId, "functionId"));
      return self();
    }

    /** A trigger that calls the function registered under {@code functionId}. */
    public Trigger function(String functionId) {
      return toFunction(idOrRandom(), type, config, functionId);
    }

    final B put(String field, String value) {
      config.put(field, Objects.requireNonNull(value, field));
      return self();
    }

    final Trigger build(StreamFunction handler) {
      return toHandler(idOrRandom(), type, config, handler);
    }

    private String idOrRandom() {
      return id != null ? id : "trigger-" + java.util.UUID.randomUUID();
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }
  }

  /** Builds a {@code stream} trigger; see {@link Trigger#onStream}. */
  public static final class StreamBuilder extends Builder<StreamBuilder> {
    StreamBuilder(String stream) {
      super(TriggerType.STREAM);
      put("stream_name", stream);
    }

    /** Only events of this group. */
    public StreamBuilder group(String group) {
      return put("group_id", group);
    }

    /** Only events of this item. */
    public StreamBuilder item(String item) {
      return put("item_id", item);
    }

    /** A trigger running {@code handler} with each matching event, in {@code seq} order. */
    public Trigger handle(EventHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return build(
          input -> {
            handler.handle(StreamEvent.fromJson(input));
            return null;
          });
    }
  }

  /** Builds a {@code stream:join} trigger; see {@link Trigger#onJoin}. */
  public static final class JoinBuilder extends Builder<JoinBuilder> {
    JoinBuilder() {
      super(TriggerType.JOIN);
    }

    /** Only subscribers of this stream. */
    public JoinBuilder stream(String stream) {
      return put("stream_name", stream);
    }

    /** A trigger that refuses a subscriber when {@code handler} returns false. */
    public Trigger authorize(JoinHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return build(
          input ->
              handler.allow(JoinRequest.fromJson(input))
                  ? null
                  : Json.object().put("unauthorized", true));
    }
  }

  /** Builds a {@code stream:leave} trigger; see {@link Trigger#onLeave}. */
  public static final class LeaveBuilder extends Builder<LeaveBuilder> {
    LeaveBuilder() {
      super(TriggerType.LEAVE);
    }

    /** Only subscribers of this stream. */
    public LeaveBuilder stream(String stream) {
      return put("stream_name", stream);
    }

    /** A trigger running {@code handler} for each subscriber that left. */
    public Trigger handle(LeaveHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return build(
          input -> {
            handler.handle(JoinRequest.fromJson(input));
            return null;
          });
    }
  }

  /** Convenience: a config object {@code {"stream_name": stream}}. */
  public static ObjectNode streamConfig(String stream) {
    return Json.object().put("stream_name", stream);
  }
}
