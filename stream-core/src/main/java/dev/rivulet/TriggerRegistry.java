package dev.rivulet;

import java.util.Optional;

/**
 * Registered triggers by id. Handlers run asynchronously on the engine's executor; handlers of
 * {@code stream} triggers for one group run in {@code seq} order. Handler and condition failures
 * are logged and counted, never reach the writer.
 *
 * <p>Thread-safe; triggers may be registered and removed while events flow.
 */
public interface TriggerRegistry {

  /**
   * Registers a trigger, replacing one with the same id (which then never fires for later events;
   * invocations already queued still run).
   *
   * @param trigger the trigger; not null
   * @return the replaced trigger, if any
   * @throws StreamException {@code invalid_argument} when the config is not an object, a {@code
   *     stream} trigger has no (or an empty) {@code stream_name}, or a config field is not a string
   *     or holds a lone UTF-16 surrogate; nothing is registered or replaced then
   */
  Optional<Trigger> register(Trigger trigger);

  /**
   * The trigger registered under {@code id}.
   *
   * @param id the trigger id; not null
   * @return the trigger, or empty for an unknown id
   */
  Optional<Trigger> find(String id);

  /**
   * Unregisters the trigger of {@code id}, of any type; it does not fire for later events.
   *
   * @param id the trigger id; not null
   * @return the removed trigger, or empty for an unknown id
   */
  Optional<Trigger> remove(String id);

  /**
   * How many handler or condition calls failed since the engine started.
   *
   * @return the count of failed calls, for every trigger type (a missing handler or condition
   *     function counts too)
   */
  long failures();

  /**
   * How many {@code stream} trigger invocations were dropped since the engine started because their
   * group's lane was full (the oldest queued ones go first); see {@code
   * StreamEngine.Builder.triggerQueueLimit}.
   *
   * @return the count of dropped invocations; 0 for a registry that never drops
   */
  default long droppedInvocations() {
    return 0;
  }
}
