package dev.rivulet;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** User functions by id, and the index of per-stream storage overrides. */
final class FunctionTable implements FunctionRegistry {
  private final ConcurrentHashMap<String, StreamFunction> functions = new ConcurrentHashMap<>();
  private final Set<String> builtIns;

  FunctionTable(Set<String> builtIns) {
    this.builtIns = Set.copyOf(builtIns);
  }

  @Override
  public Optional<StreamFunction> register(String id, StreamFunction function) {
    Objects.requireNonNull(function, "function");
    if (id == null || id.isEmpty()) {
      throw new StreamException(StreamException.INVALID_ARGUMENT, "function id must not be empty");
    }
    if (builtIns.contains(id)) {
      throw new StreamException(
          StreamException.INVALID_ARGUMENT, "function id '" + id + "' is built in");
    }
    return Optional.ofNullable(functions.put(id, function));
  }

  @Override
  public Optional<StreamFunction> find(String id) {
    return Optional.ofNullable(functions.get(id));
  }

  @Override
  public Optional<StreamFunction> remove(String id) {
    return Optional.ofNullable(functions.remove(id));
  }

  /** The override {@code stream::<op>(<stream>)}, or null. */
  StreamFunction override(String op, String stream) {
    if (functions.isEmpty()) {
      return null;
    }
    return functions.get("stream::" + op + "(" + stream + ")");
  }
}
