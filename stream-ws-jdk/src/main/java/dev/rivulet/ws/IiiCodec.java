package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The iii worker protocol's messages (SPEC §12) as the npm {@code iii-sdk} 0.22.1 speaks them: one
 * JSON object per text frame, tagged by {@code type}. {@link #decode} turns a frame into one of the
 * {@link Inbound} records (unknown keys ignored); the static builders make the engine's frames.
 */
final class IiiCodec {
  private IiiCodec() {}

  /** A decoded worker→engine message. */
  sealed interface Inbound {}

  record RegisterFunction(String id, boolean httpInvoked) implements Inbound {}

  record UnregisterFunction(String id) implements Inbound {}

  record RegisterTrigger(String id, String triggerType, String functionId, JsonNode config)
      implements Inbound {}

  record UnregisterTrigger(String id) implements Inbound {}

  /** {@code invocationId} null = a void call (no reply); {@code action} may be null. */
  record InvokeFunction(String invocationId, String functionId, JsonNode data, String action)
      implements Inbound {}

  /** A worker's answer: {@code error} (an object) or {@code result} (null = no result). */
  record InvocationResult(String invocationId, JsonNode result, JsonNode error)
      implements Inbound {}

  record Reattach(String previousWorkerId, String token) implements Inbound {}

  record Ping() implements Inbound {}

  /** A known type the server has nothing to do for ({@code registertriggertype} …). */
  record Ignored(String type) implements Inbound {}

  /**
   * Not a usable message; {@code invocationId}/{@code functionId} are set when the frame carried
   * them, so the sender can be answered.
   */
  record Malformed(String reason, String invocationId, String functionId) implements Inbound {}

  /** Decodes one frame; never throws. */
  static Inbound decode(byte[] frame) {
    JsonNode m;
    try {
      m = Json.readStrict(frame);
    } catch (IOException e) {
      return new Malformed("not JSON", null, null);
    }
    if (m == null || !m.isObject()) {
      return new Malformed("not a JSON object", null, null);
    }
    String type = text(m, "type");
    if (type == null) {
      return new Malformed("no type", text(m, "invocation_id"), text(m, "function_id"));
    }
    return switch (type) {
      case "registerfunction" ->
          text(m, "id") == null
              ? new Malformed("registerfunction needs an id", null, null)
              : new RegisterFunction(text(m, "id"), m.path("invocation").isObject());
      case "unregisterfunction" ->
          text(m, "id") == null
              ? new Malformed("unregisterfunction needs an id", null, null)
              : new UnregisterFunction(text(m, "id"));
      case "registertrigger" -> registerTrigger(m);
      case "unregistertrigger" ->
          text(m, "id") == null
              ? new Malformed("unregistertrigger needs an id", null, null)
              : new UnregisterTrigger(text(m, "id"));
      case "invokefunction" -> invoke(m);
      case "invocationresult" -> result(m);
      case "reattach" -> new Reattach(text(m, "previous_worker_id"), text(m, "reattach_token"));
      case "ping" -> new Ping();
      case "pong",
          "registertriggertype",
          "unregistertriggertype",
          "triggerregistrationresult",
          "registerservice",
          "workerregistered" ->
          new Ignored(type);
      default ->
          new Malformed("unknown type " + type, text(m, "invocation_id"), text(m, "function_id"));
    };
  }

  private static Inbound registerTrigger(JsonNode m) {
    String id = text(m, "id");
    String triggerType = text(m, "trigger_type");
    String functionId = text(m, "function_id");
    if (id == null || triggerType == null || functionId == null) {
      return new Malformed("registertrigger needs id, trigger_type and function_id", null, null);
    }
    JsonNode config = m.get("config");
    return new RegisterTrigger(id, triggerType, functionId, config);
  }

  private static Inbound invoke(JsonNode m) {
    JsonNode idNode = m.get("invocation_id");
    String invocationId = idNode == null || idNode.isNull() ? null : text(m, "invocation_id");
    String functionId = text(m, "function_id");
    if (idNode != null && !idNode.isNull() && invocationId == null) {
      return new Malformed("invocation_id must be a string", null, functionId);
    }
    if (functionId == null) {
      return new Malformed("invokefunction needs a function_id", invocationId, null);
    }
    JsonNode data = m.get("data");
    if (data == null) {
      data = NullNode.getInstance();
    }
    String action = text(m.path("action"), "type");
    return new InvokeFunction(invocationId, functionId, data, action);
  }

  private static Inbound result(JsonNode m) {
    String invocationId = text(m, "invocation_id");
    if (invocationId == null) {
      return new Malformed("invocationresult needs an invocation_id", null, null);
    }
    JsonNode error = m.get("error");
    if (error != null && !error.isNull()) {
      return new InvocationResult(invocationId, null, error);
    }
    return new InvocationResult(invocationId, m.get("result"), null);
  }

  /** A non-empty string field, else null. */
  private static String text(JsonNode m, String field) {
    JsonNode v = m.get(field);
    return v != null && v.isTextual() && !v.textValue().isEmpty() ? v.textValue() : null;
  }

  // ---- engine → worker ----

  static ObjectNode workerRegistered(String workerId, String reattachToken) {
    return object("workerregistered")
        .put("worker_id", workerId)
        .put("reattach_token", reattachToken);
  }

  /** A result; {@code result} null = "no result" (the key is left out, as the reference does). */
  static ObjectNode invocationResult(String invocationId, String functionId, JsonNode result) {
    ObjectNode node =
        object("invocationresult")
            .put("invocation_id", invocationId)
            .put("function_id", functionId);
    if (result != null) {
      node.set("result", result);
    }
    return node;
  }

  static ObjectNode invocationError(
      String invocationId, String functionId, String code, String message) {
    ObjectNode node =
        object("invocationresult")
            .put("invocation_id", invocationId)
            .put("function_id", functionId);
    node.set("error", error(code, message));
    return node;
  }

  static ObjectNode triggerRegistrationResult(
      String id, String triggerType, String functionId, String code, String message) {
    ObjectNode node =
        object("triggerregistrationresult")
            .put("id", id)
            .put("trigger_type", triggerType)
            .put("function_id", functionId);
    if (code != null) {
      node.set("error", error(code, message));
    }
    return node;
  }

  /** A call of one of the worker's functions; {@code invocationId} null = void. */
  static ObjectNode invokeFunction(String invocationId, String functionId, JsonNode data) {
    ObjectNode node = object("invokefunction");
    if (invocationId != null) {
      node.put("invocation_id", invocationId);
    }
    node.put("function_id", functionId);
    node.set("data", data);
    return node;
  }

  static ObjectNode pong() {
    return object("pong");
  }

  /** The wire error body {@code {"code","message"}}. */
  static ObjectNode error(String code, String message) {
    return Json.object().put("code", code).put("message", message == null ? code : message);
  }

  private static ObjectNode object(String type) {
    return Json.object().put("type", type);
  }

  /** The text frame of a message. */
  static ByteBuffer frame(JsonNode message) {
    return FrameEncoder.frame(FrameEncoder.OP_TEXT, Json.bytes(message));
  }
}
