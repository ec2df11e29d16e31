package dev.rivulet.ws;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.Json;
import java.io.IOException;

/**
 * Reads invoke bodies and WebSocket client messages: the engine's JSON rules ({@link Json#read})
 * plus exactly one value — trailing content after it ({@code {..} garbage}) is an error (SPEC §9
 * "HTTP strictness"), so such a body is never half-applied.
 */
final class StrictJson {
  private StrictJson() {}

  /** The one JSON value of {@code bytes} (null when empty); trailing non-whitespace throws. */
  static JsonNode read(byte[] bytes) throws IOException {
    JsonNode value = Json.read(bytes);
    if (value != null && !value.isMissingNode()) {
      try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
        parser.nextToken();
        parser.skipChildren();
        if (parser.nextToken() != null) {
          throw new JsonParseException(parser, "trailing content after the JSON value");
        }
      }
    }
    return value;
  }
}
