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
    config = config == null ? Json.MAPPER.createObjectNode() : config.deepCopy();
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

  /** Convenience: a config object {@code {"stream_name": stream}}. */
  public static ObjectNode streamConfig(String stream) {
    return Json.MAPPER.createObjectNode().put("stream_name", stream);
  }
}
