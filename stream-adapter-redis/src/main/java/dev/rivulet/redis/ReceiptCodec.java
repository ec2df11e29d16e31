package dev.rivulet.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Receipt;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the receipt an idempotent write left in its receipt key (see {@link Scripts#WRITE}): the
 * fields {@code seq ts item old new note} of the first call, returned by the script as the flat
 * HGETALL list when the key is repeated.
 */
final class ReceiptCodec {
  private ReceiptCodec() {}

  /** The first call's receipt, as a replay. */
  static Receipt replay(GroupKey group, List<?> flat) {
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      fields.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    long seq = Long.parseLong(fields.getOrDefault("seq", "0"));
    String item = fields.get("item");
    if (item != null && item.isEmpty()) {
      item = null; // a send without an item filter
    }
    Change change =
        seq == 0
            ? Change.nothing(group, item)
            : new Change(
                group,
                item,
                value(fields.get("old")),
                value(fields.get("new")),
                seq,
                Long.parseLong(fields.getOrDefault("ts", "0")));
    String note = fields.get("note");
    return new Receipt(change, note == null || note.isEmpty() ? null : value(note), true);
  }

  /** A stored JSON text, or Java null when absent; a foreign non-JSON text as a string. */
  static JsonNode value(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return EventCodec.parse(raw);
    } catch (Exception e) {
      return TextNode.valueOf(raw);
    }
  }
}
