package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEvent;
import java.util.Objects;

/**
 * What a {@link StorageAdapter#send} commit announces: a custom event of {@code stream::send}
 * ({@code kind} {@link StreamEvent.Kind#EVENT} with its {@code eventType}), or a change that a
 * per-stream override function made outside storage ({@code kind} create/update/delete, {@code
 * eventType} null). The adapter reports the event built from it ({@link Change#event(Notice)}), and
 * an adapter that publishes from a server-side script (to keep cross-instance order) sends it
 * along.
 */
public record Notice(StreamEvent.Kind kind, String eventType, JsonNode data) {
  public Notice {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(data, "data");
    if ((kind == StreamEvent.Kind.EVENT) != (eventType != null)) {
      throw new IllegalArgumentException("eventType is required for EVENT and only for it");
    }
  }

  /** The event this notice becomes once the commit assigned {@code seq} and {@code timestamp}. */
  public StreamEvent toEvent(GroupKey group, String item, long seq, long timestamp) {
    return kind == StreamEvent.Kind.EVENT
        ? StreamEvent.custom(group, item, eventType, data, seq, timestamp)
        : StreamEvent.change(group, item, kind, data, seq, timestamp);
  }
}
