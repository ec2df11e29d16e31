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
 * false}; a condition that throws or is not registered skips the handler and counts as a failure).
 * Handlers and conditions get the same payload: the event message for {@code stream} triggers, the
 * {@link JoinRequest#toJson() join/leave payload} otherwise.
 *
 * <p>Immutable apart from {@code config}, which is a private copy but a mutable node: do not change
 * what {@link #config()} returns.
 *
 * @param id the trigger's id, used to find, replace or remove it; not null
 * @param type what the trigger fires on; not null
 * @param config the config object described above; null is taken as {@code {}}, anything else is
 *     deep-copied
 * @param functionId the id of the function called as the handler (looked up at each firing), or
 *     null when {@code handler} is given
 * @param handler the Java handler, or null when {@code functionId} is given; for a {@code
 *     stream:join} trigger, a result of {@code {"unauthorized": true}} refuses the subscriber
 */
public record Trigger(
    String id, TriggerType type, JsonNode config, String functionId, StreamFunction handler) {

  /**
   * Checks and copies the components.
   *
   * @param id the trigger id; not null
   * @param type what the trigger fires on; not null
   * @param config the config object; null = {@code {}}, else deep-copied
   * @param functionId the id of the handler function, or null
   * @param handler the Java handler, or null
   * @throws NullPointerException when {@code id} or {@code type} is null
   * @throws IllegalArgumentException unless exactly one of {@code functionId} and {@code handler}
   *     is given
   */
  public Trigger {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    config = config == null ? Json.object() : config.deepCopy();
    if ((functionId == null) == (handler == null)) {
      throw new IllegalArgumentException("exactly one of functionId and handler must be given");
    }
  }

  /**
   * A trigger that calls the function registered under {@code functionId}. The function is looked
   * up each time the trigger fires, so it may be registered later or replaced; a missing one counts
   * as a handler failure.
   *
   * @param id the trigger id; not null
   * @param type what the trigger fires on; not null
   * @param config the config object (see the class comment); null = {@code {}}
   * @param functionId the id of the handler function; not null
   * @return the trigger, to pass to {@link TriggerRegistry#register}
   */
  public static Trigger toFunction(
      String id, TriggerType type, JsonNode config, String functionId) {
    return new Trigger(id, type, config, Objects.requireNonNull(functionId, "functionId"), null);
  }

  /**
   * A trigger that calls a Java handler.
   *
   * @param id the trigger id; not null
   * @param type what the trigger fires on; not null
   * @param config the config object (see the class comment); null = {@code {}}
   * @param handler called with the payload on the engine's executor; not null
   * @return the trigger, to pass to {@link TriggerRegistry#register}
   */
  public static Trigger toHandler(
      String id, TriggerType type, JsonNode config, StreamFunction handler) {
    return new Trigger(id, type, config, null, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * A typed {@code stream} trigger on {@code stream}: {@code Trigger.onStream("orders")
   * .group("open").id("audit").handle(event -> …)}, then {@link TriggerRegistry#register}.
   *
   * @param stream the {@code stream_name} the trigger listens to; not null
   * @return a builder of a {@code stream} trigger
   */
  public static StreamBuilder onStream(String stream) {
    return new StreamBuilder(Objects.requireNonNull(stream, "stream"));
  }

  /**
   * A typed {@code stream:join} trigger: {@code Trigger.onJoin().stream("chat").authorize(request
   * -> request.context() != null)}; a handler returning false refuses the subscriber. A handler
   * that throws does not refuse: the failure is logged and counted and the subscriber is let in (as
   * the reference does).
   *
   * @return a builder of a {@code stream:join} trigger, for subscribers of any stream until {@link
   *     JoinBuilder#stream} limits it
   */
  public static JoinBuilder onJoin() {
    return new JoinBuilder();
  }

  /**
   * A typed {@code stream:leave} trigger: {@code Trigger.onLeave().handle(request -> …)}.
   *
   * @return a builder of a {@code stream:leave} trigger, for subscribers of any stream until {@link
   *     LeaveBuilder#stream} limits it
   */
  public static LeaveBuilder onLeave() {
    return new LeaveBuilder();
  }

  /** Handles a committed change or custom event. */
  @FunctionalInterface
  public interface EventHandler {
    /**
     * Called on the engine's executor once per matching event, one call at a time per group, in
     * {@code seq} order.
     *
     * @param event the committed change or custom event
     * @throws Exception any failure: it is logged and counted ({@link TriggerRegistry#failures}),
     *     never reaches the writer
     */
    void handle(StreamEvent event) throws Exception;
  }

  /** Decides whether a subscriber may join; false refuses it. */
  @FunctionalInterface
  public interface JoinHandler {
    /**
     * Called on the engine's executor for each subscriber joining a matching stream (see {@link
     * TriggerType#JOIN}).
     *
     * @param request who joins what, with the connection's auth context
     * @return false to refuse the subscriber, true to let it in (unless another join trigger
     *     refuses it)
     * @throws Exception any failure: it is logged and counted, and the subscriber is let in
     */
    boolean allow(JoinRequest request) throws Exception;
  }

  /** Handles a subscriber that left. */
  @FunctionalInterface
  public interface LeaveHandler {
    /**
     * Called on the engine's executor for each subscriber that left a matching stream (see {@link
     * TriggerType#LEAVE}).
     *
     * @param request the subscription that ended
     * @throws Exception any failure: it is logged and counted
     */
    void handle(JoinRequest request) throws Exception;
  }

  /**
   * What the typed builders share: the id, the condition function and the config. Builders are not
   * thread-safe; the triggers they build are.
   *
   * @param <B> the concrete builder type, returned by the setters for chaining
   */
  public abstract static class Builder<B extends Builder<B>> {
    private final TriggerType type;
    private final ObjectNode config = Json.object();
    private String id;

    Builder(TriggerType type) {
      this.type = type;
    }

    /**
     * The trigger's id (to find or remove it); default a random {@code trigger-<uuid>}, chosen when
     * the trigger is built.
     *
     * @param id the trigger id; not null
     * @return this builder
     */
    public B id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return self();
    }

    /**
     * The id of a function called with the same payload first; the handler runs unless it returns
     * exactly {@code false}. A condition that throws or is not registered skips the handler.
     *
     * @param functionId the id of the condition function ({@code condition_function_id}); not null
     * @return this builder
     */
    public B condition(String functionId) {
      config.put("condition_function_id", Objects.requireNonNull(functionId, "functionId"));
      return self();
    }

    /**
     * A trigger that calls the function registered under {@code functionId} instead of a Java
     * handler; see {@link Trigger#toFunction}.
     *
     * @param functionId the id of the handler function, looked up at each firing; not null
     * @return the trigger, to pass to {@link TriggerRegistry#register}
     */
    public Trigger function(String functionId) {
      return toFunction(idOrRandom(), type, config, functionId);
    }

    /**
     * Only events or subscribers of this stream ({@code stream_name}); a join or leave trigger
     * without it matches any stream.
     *
     * @param stream the stream name to match exactly; not null
     * @return this builder
     */
    public B stream(String stream) {
      return put("stream_name", stream);
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

    /**
     * Only events of this group ({@code group_id}; empty = any).
     *
     * @param group the group id to match exactly; not null
     * @return this builder
     */
    public StreamBuilder group(String group) {
      return put("group_id", group);
    }

    /**
     * Only events of this item ({@code item_id}; empty = any). Custom events sent to the whole
     * group carry no item id and then do not match.
     *
     * @param item the item id to match exactly; not null
     * @return this builder
     */
    public StreamBuilder item(String item) {
      return put("item_id", item);
    }

    /**
     * A trigger running {@code handler} with each matching event, in {@code seq} order per group.
     *
     * @param handler called with each matching event; not null
     * @return the trigger, to pass to {@link TriggerRegistry#register}
     */
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

    /**
     * A trigger that refuses a subscriber when {@code handler} returns false (a handler that throws
     * lets it in).
     *
     * @param handler decides for each joining subscriber; not null
     * @return the trigger, to pass to {@link TriggerRegistry#register}
     */
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

    /**
     * A trigger running {@code handler} for each subscriber that left.
     *
     * @param handler called for each subscription that ended; not null
     * @return the trigger, to pass to {@link TriggerRegistry#register}
     */
    public Trigger handle(LeaveHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return build(
          input -> {
            handler.handle(JoinRequest.fromJson(input));
            return null;
          });
    }
  }

  /**
   * Convenience: a config object {@code {"stream_name": stream}}.
   *
   * @param stream the stream name (a null one gives {@code {"stream_name": null}}, which {@link
   *     TriggerRegistry#register} treats as absent)
   * @return a new, mutable config object
   */
  public static ObjectNode streamConfig(String stream) {
    return Json.object().put("stream_name", stream);
  }
}
