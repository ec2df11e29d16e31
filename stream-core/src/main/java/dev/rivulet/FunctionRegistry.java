package dev.rivulet;

import java.util.Optional;

/**
 * User functions by id. Ids of the built-in {@code stream::*} functions cannot be taken; an id of
 * the form {@code stream::<op>(<stream_name>)} (op = set, get, delete, list, list_groups, update)
 * replaces storage for that stream.
 */
public interface FunctionRegistry {

  /**
   * Registers {@code function} under {@code id}, replacing any earlier one.
   *
   * @return the replaced function, if any
   * @throws StreamException {@code invalid_argument} for an empty id or a built-in id
   */
  Optional<StreamFunction> register(String id, StreamFunction function);

  /** The function registered under {@code id} (built-ins are not listed here). */
  Optional<StreamFunction> find(String id);

  /** Unregisters {@code id}; returns what was removed. */
  Optional<StreamFunction> remove(String id);
}
