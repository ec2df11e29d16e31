package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.ItemUpdater;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code stream::update} as the store's {@link ItemUpdater}: applies the ops with {@link
 * UpdateApplier}, refuses a result over the value limits (inside the store's critical section, so
 * nothing is written or emitted), and keeps the outcome of the call whose value the store committed
 * (the last one: a store may retry a compare-and-set), so that {@link #errors} are the errors of
 * the committed value. A stream whose update is overridden hands the ops to its function instead
 * and the function's errors are kept ({@link #overridden}).
 */
final class UpdateRun implements ItemUpdater {
  private final List<UpdateOp> ops;
  private final ValueLimits limits;
  private List<UpdateOpError> errors;

  UpdateRun(List<UpdateOp> ops, ValueLimits limits) {
    this.ops = ops;
    this.limits = limits;
  }

  @Override
  public synchronized JsonNode apply(JsonNode current) {
    UpdateApplier.Applied applied = UpdateApplier.apply(current, ops);
    limits.check("the new value of stream::update", applied.newValue());
    errors = applied.errors();
    return applied.newValue();
  }

  /** The errors of the last application, as the receipt of an idempotent update keeps them. */
  @Override
  public synchronized JsonNode note() {
    ArrayNode array = Json.array();
    if (errors != null) {
      errors.forEach(e -> array.add(e.toJson()));
    }
    return array;
  }

  /** The errors a {@link #note()} holds (none for a missing or non-array note). */
  static List<UpdateOpError> errorsOf(JsonNode note) {
    List<UpdateOpError> errors = new ArrayList<>();
    if (note != null && note.isArray()) {
      note.forEach(
          e ->
              errors.add(
                  new UpdateOpError(
                      e.path("op_index").asInt(),
                      e.path("code").asText(),
                      e.path("message").asText())));
    }
    return errors;
  }

  /** The ops, for an override function. */
  List<UpdateOp> ops() {
    return ops;
  }

  /** The errors an override function returned for the ops. */
  synchronized void overridden(List<UpdateOpError> errors) {
    this.errors = List.copyOf(errors);
  }

  /** The per-op errors of the committed application; call after the store's update returned. */
  synchronized List<UpdateOpError> errors() {
    if (errors == null) {
      throw new IllegalStateException("the store committed an update without applying it");
    }
    return errors;
  }
}
