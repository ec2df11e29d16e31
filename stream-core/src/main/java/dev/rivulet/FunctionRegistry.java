package dev.rivulet;

import java.util.Optional;

/**
 * User functions by id. Ids of the built-in {@code stream::*} functions cannot be taken; an id of
 * the form {@code stream::<op>(<stream_name>)} (op = set, get, delete, list, list_groups, update)
 * replaces storage for that stream: the engine calls it instead of the storage adapter, and still
 * assigns the {@code seq}, emits the events and fires the triggers of the writes it reports.
 *
 * <p>Thread-safe; a change takes effect for calls that start after it.
 */
public interface FunctionRegistry {

  /**
   * Registers {@code function} under {@code id}, replacing any earlier one.
   *
   * @param id the function id, also what {@link StreamEngine#invoke} and triggers call; not empty
   * @param function the function; not null
   * @return the replaced function, if any
   * @throws StreamException {@code invalid_argument} for an empty id or a built-in id
   */
  Optional<StreamFunction> register(String id, StreamFunction function);

  /**
   * The function registered under {@code id} (built-ins are not listed here).
   *
   * @param id the function id; not null
   * @return the registered function, or empty when none is (or {@code id} is a built-in)
   */
  Optional<StreamFunction> find(String id);

  /**
   * Unregisters {@code id}. Removing an override gives the stream back to the storage adapter.
   *
   * @param id the function id; not null
   * @return the removed function, or empty when none was registered under {@code id}
   */
  Optional<StreamFunction> remove(String id);
}
