package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.JoinRequest;
import dev.rivulet.StreamException;
import dev.rivulet.internal.Json;
import dev.rivulet.internal.NameCheck;
import java.util.Locale;

/**
 * Checks the names of a client's join (SPEC §2, §9 "Names") before any join trigger runs, with the
 * engine's own rules ({@link NameCheck}) and codes: a name that is not a string → {@code
 * deserialization_error}; an empty one, one over 512 UTF-8 bytes or one holding a lone UTF-16
 * surrogate → {@code invalid_argument}. The {@code subscriptionId} is not a stored name: it must be
 * a non-empty string, nothing more (a path join's id is its whole path). A refused join is answered
 * with an {@code error} event carrying its {@code subscriptionId}, so the client learns which of
 * its joins failed.
 */
final class JoinCheck {
  private static final String[] REQUIRED = {"subscriptionId", "streamName", "groupId"};

  private JoinCheck() {}

  /**
   * Whether {@code data} has every required field with a non-null value. Messages lacking one are
   * ignored as before (SPEC §5.5, reference: no answer), e.g. {@code {"streamName":"s"}}.
   */
  static boolean hasRequiredFields(JsonNode data) {
    if (data == null || !data.isObject()) {
      return false;
    }
    for (String field : REQUIRED) {
      JsonNode value = data.get(field);
      if (value == null || value.isNull()) {
        return false;
      }
    }
    return true;
  }

  /** The first problem with the names of {@code data} (which has the required fields), or null. */
  static StreamException problem(JsonNode data) {
    for (String field : REQUIRED) {
      StreamException e = problem(field, data.get(field));
      if (e != null) {
        return e;
      }
    }
    JsonNode id = data.get("id");
    return id == null || id.isNull() ? null : problem("id", id);
  }

  private static StreamException problem(String field, JsonNode value) {
    if (!value.isTextual()) {
      return new StreamException(
          StreamException.DESERIALIZATION_ERROR,
          "Failed to deserialize input for join: invalid type for `"
              + field
              + "`: "
              + value.getNodeType().toString().toLowerCase(Locale.ROOT)
              + ", expected a string");
    }
    String text = value.textValue();
    if (field.equals("subscriptionId")) {
      // not a stored name: no length bound (a path join's id is its path)
      return text.isEmpty()
          ? new StreamException(
              StreamException.INVALID_ARGUMENT,
              "Invalid input for join: subscriptionId must not be empty")
          : null;
    }
    String problem = NameCheck.problem("join", field, text); // the engine's rules and wording
    return problem == null ? null : new StreamException(StreamException.INVALID_ARGUMENT, problem);
  }

  /** Whether an engine error is about the input (the caller's fault), not the store. */
  static boolean isBadInput(StreamException e) {
    return e.code().equals(StreamException.INVALID_ARGUMENT)
        || e.code().equals(StreamException.DESERIALIZATION_ERROR);
  }

  /** The join message data of {@code request}: its ids and names. */
  static ObjectNode data(JoinRequest request) {
    ObjectNode data = Json.object();
    data.put("subscriptionId", request.subscriptionId());
    data.put("streamName", request.streamName());
    data.put("groupId", request.groupId());
    data.put("id", request.itemId());
    return data;
  }

  static byte[] errorEvent(JoinRequest request, StreamException problem) {
    return errorEvent(data(request), problem);
  }

  /**
   * The answer to a refused join: the shape of the {@code unauthorized} message (SPEC §5.1) plus
   * the join's {@code subscriptionId}, with {@code event = {"type":"error","code","message"}}. The
   * names are echoed as the client sent them.
   */
  static byte[] errorEvent(JsonNode data, StreamException problem) {
    ObjectNode node = Json.object();
    node.put("type", "stream");
    node.put("timestamp", System.currentTimeMillis());
    node.set("streamName", data.get("streamName"));
    node.set("groupId", data.get("groupId"));
    JsonNode id = data.get("id");
    if (id == null) {
      node.putNull("id");
    } else {
      node.set("id", id);
    }
    node.set("subscriptionId", data.get("subscriptionId"));
    node.putObject("event")
        .put("type", "error")
        .put("code", problem.code())
        .put("message", problem.getMessage());
    return Json.asciiBytes(node);
  }
}
