package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a {@link StorageAdapter#send} commit announces: a custom event of {@code stream::send}
 * ({@code kind} {@link Event.Kind#EVENT} with its {@code eventType}), or a change that a per-stream
 * override function made outside storage ({@code kind} create/update/delete, {@code eventType}
 * null). The adapter reports the event built from it ({@link Change#event(Notice)}), and an adapter
 * that publishes from a server-side script (to keep cross-instance order) sends it along.
 *
 * @param kind what the event says happened; never null
 * @param eventType the custom event type, required for {@link Event.Kind#EVENT} and null for every
 *     other kind
 * @param data the event's payload (the custom data, or the override's new or removed value); never
 *     Java null
 */
public record Notice(Event.Kind kind, String eventType, JsonNode data) {
  /**
   * Checks the components.
   *
   * @param kind what the event says happened; never null
   * @param eventType the custom event type: non-null exactly when {@code kind} is {@link
   *     Event.Kind#EVENT}
   * @param data the event's payload; never Java null
   * @throws NullPointerException when {@code kind} or {@code data} is null
   * @throws IllegalArgumentException when {@code eventType} does not match {@code kind}
   */
  public Notice {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(data, "data");
    if ((kind == Event.Kind.EVENT) != (eventType != null)) {
      throw new IllegalArgumentException("eventType is required for EVENT and only for it");
    }
  }

  /**
   * The event this notice becomes once the commit assigned {@code seq} and {@code timestamp}.
   *
   * @param group the group of the commit
   * @param item the item of the commit; may be null only for a custom event
   * @param seq the {@code seq} the commit assigned
   * @param timestamp the timestamp the commit assigned
   * @return a new custom event for {@link Event.Kind#EVENT}, else a new change event
   * @throws NullPointerException when {@code item} is null for a create, update or delete
   */
  public Event toEvent(GroupKey group, String item, long seq, long timestamp) {
    return new Event(group, item, kind, eventType, data, seq, timestamp);
  }
}
