package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /invoke/{functionId}} (SPEC §5.8): calls {@link StreamEngine#invoke}. */
final class HttpInvoke {
  private static final Logger LOG = LoggerFactory.getLogger(HttpInvoke.class);

  private final StreamEngine engine;

  HttpInvoke(StreamEngine engine) {
    this.engine = engine;
  }

  /** The complete HTTP response for a call of {@code functionId} with {@code body}. */
  byte[] call(String functionId, byte[] body) {
    JsonNode input;
    try {
      input = body.length == 0 ? NullNode.getInstance() : Json.readStrict(body);
      if (input == null) {
        input = NullNode.getInstance();
      }
    } catch (IOException e) {
      return HttpResponses.error(400, "invalid_json", "request body is not JSON");
    }
    try {
      JsonNode result = engine.invoke(functionId, input);
      byte[] json = result == null ? "null".getBytes(StandardCharsets.UTF_8) : Json.bytes(result);
      return HttpResponses.json(200, json);
    } catch (StreamException e) {
      String message = String.valueOf(e.getMessage());
      return e.outcome()
          .map(o -> HttpResponses.error(status(e.code()), e.code(), message, outcome(o)))
          .orElseGet(() -> HttpResponses.error(status(e.code()), e.code(), message));
    } catch (RuntimeException e) {
      LOG.warn("invoke {} failed", functionId, e);
      return HttpResponses.error(500, "internal_error", String.valueOf(e.getMessage()));
    }
  }

  /**
   * Whether a {@code Content-Type} value is {@code application/json}, in any case, with or without
   * parameters such as {@code charset} (SPEC §9: anything else is 415, so a browser's "simple"
   * {@code text/plain} request can never invoke a function).
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().equalsIgnoreCase("application/json");
  }

  /** The wire name of an outcome: {@code unknown} or {@code not_applied}. */
  static String outcome(StreamException.Outcome outcome) {
    return outcome == StreamException.Outcome.UNKNOWN ? "unknown" : "not_applied";
  }

  static int status(String code) {
    return switch (code) {
      case StreamException.DESERIALIZATION_ERROR, StreamException.INVALID_ARGUMENT -> 400;
      case StreamException.FUNCTION_NOT_FOUND -> 404;
      case StreamException.PRECONDITION_FAILED -> 409;
      case StreamException.VALUE_TOO_LARGE -> 413;
      // a worker's function (iii protocol) that is busy, gone, or did not answer in time
      case "overloaded", "worker_disconnected" -> 503;
      case "timeout" -> 504;
      default -> 500;
    };
  }
}
