package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The answer of a guarded write ({@link Guard}): the change it committed, or, for the repeat of an
 * idempotency key, the change the first call committed (then nothing was written now).
 *
 * @param change the committed change (values, {@code seq}); for a replay the first call's, which
 *     may be {@link Change#nothing} (a delete that found nothing); never null
 * @param note what the engine asked to remember with the change ({@link ItemUpdater#note()}: the op
 *     errors of an update), or null
 * @param replayed {@code true} when this is the first call's receipt and nothing was written now
 */
public record Receipt(Change change, JsonNode note, boolean replayed) {
  /**
   * Checks the components.
   *
   * @param change the change; never null
   * @param note the remembered note, or null
   * @param replayed whether this is a repeat's answer
   * @throws NullPointerException when {@code change} is null
   */
  public Receipt {
    Objects.requireNonNull(change, "change");
  }

  /**
   * The receipt of a write that just committed {@code change} without a note.
   *
   * @param change the committed change (or {@link Change#nothing})
   * @return a receipt that is not a replay
   */
  public static Receipt of(Change change) {
    return new Receipt(change, null, false);
  }
}
