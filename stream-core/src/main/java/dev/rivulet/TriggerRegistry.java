package dev.rivulet;

import java.util.Optional;

/**
 * Registered triggers by id. Handlers run asynchronously on the engine's executor; handlers of
 * {@code stream} triggers for one group run in {@code seq} order. Handler and condition failures
 * are logged and counted, never reach the writer.
 */
public interface TriggerRegistry {

  /**
   * Registers a trigger, replacing one with the same id (which then never fires again).
   *
   * @return the replaced trigger, if any
   * @throws StreamException {@code invalid_argument} when the config is not an object, a {@code
   *     stream} trigger has no {@code stream_name}, or a config field has the wrong type
   */
  Optional<Trigger> register(Trigger trigger);

  Optional<Trigger> find(String id);

  /** Unregisters; returns what was removed (empty for an unknown id). */
  Optional<Trigger> remove(String id);

  /** How many handler or condition calls failed since the engine started. */
  long failures();

  /**
   * How many {@code stream} trigger invocations were dropped since the engine started because their
   * group's lane was full (the oldest queued ones go first); see {@code
   * StreamEngine.Builder.triggerQueueLimit}.
   */
  default long droppedInvocations() {
    return 0;
  }
}
