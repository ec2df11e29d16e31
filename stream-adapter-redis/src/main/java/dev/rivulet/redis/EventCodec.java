package dev.rivulet.redis;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Notice;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The private wire form of events on a group's channel: {@code "<seq> <ts> <kind> <item><data>"},
 * where kind is c/u/d/e, item is {@code <length>:<id>} or {@code -} (no id), and data is the JSON
 * of the value (c/u: new value, d: removed value, e: {@code {"type":t,"data":d}}). The write script
 * splices seq and timestamp in and publishes it (every kind, sends included), so the event JSON
 * itself is only built by the receivers.
 */
final class EventCodec {
  private EventCodec() {}

  static String header(String item) {
    return item == null ? "-" : item.length() + ":" + item;
  }

  /** The wire letter of an event kind. */
  static String kind(Event.Kind kind) {
    return switch (kind) {
      case CREATE -> "c";
      case UPDATE -> "u";
      case DELETE -> "d";
      case EVENT -> "e";
    };
  }

  /** The data part of a {@code send}'s message (custom events wrap type and data). */
  static String noticeData(Notice notice) {
    if (notice.kind() != Event.Kind.EVENT) {
      return json(notice.data());
    }
    ObjectNode body = Json.object();
    body.put("type", notice.eventType());
    body.set("data", notice.data());
    return json(body);
  }

  static String json(JsonNode node) {
    try {
      return Json.text(node);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          "value cannot be serialized: " + e.getCause().getMessage(), e.getCause());
    }
  }

  static JsonNode parse(String text) throws JsonProcessingException {
    try {
      return Json.read(text);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  /** Decodes a channel message of {@code group}. */
  static Event decode(GroupKey group, String message) throws JsonProcessingException {
    int a = message.indexOf(' ');
    int b = message.indexOf(' ', a + 1);
    long seq = Long.parseLong(message, 0, a, 10);
    long ts = Long.parseLong(message, a + 1, b, 10);
    char kind = message.charAt(b + 1);
    int pos = b + 3;
    String item;
    if (message.charAt(pos) == '-') {
      item = null;
      pos++;
    } else {
      int colon = message.indexOf(':', pos);
      int length = Integer.parseInt(message, pos, colon, 10);
      item = message.substring(colon + 1, colon + 1 + length);
      pos = colon + 1 + length;
    }
    JsonNode data = parse(message.substring(pos));
    return switch (kind) {
      case 'c' -> Event.change(group, item, Event.Kind.CREATE, data, seq, ts);
      case 'u' -> Event.change(group, item, Event.Kind.UPDATE, data, seq, ts);
      case 'd' -> Event.change(group, item, Event.Kind.DELETE, data, seq, ts);
      case 'e' -> Event.custom(group, item, data.path("type").asText(), data.get("data"), seq, ts);
      default -> throw new IllegalArgumentException("unknown event kind " + kind);
    };
  }
}
