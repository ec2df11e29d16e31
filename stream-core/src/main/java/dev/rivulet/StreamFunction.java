package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function callable by id through {@link StreamEngine#invoke}: user functions, trigger handlers,
 * condition functions and per-stream overrides. Return Java {@code null} for "no result". Throw a
 * {@link StreamException} to fail with a specific code; any other exception becomes a {@code
 * function_failed} error of {@link StreamEngine#invoke} (with the exception as cause), and of an
 * override the storage code of its operation (e.g. {@code STREAM_SET_ERROR}).
 */
@FunctionalInterface
public interface StreamFunction {
  /**
   * Runs the function. It may be called from several threads at once (callers of {@code invoke} and
   * the engine's executor, for triggers), so it must be thread-safe.
   *
   * @param input the input JSON as the caller passed it (may be null or any JSON value)
   * @return the result, or Java null for "no result"
   * @throws Exception to fail the call; a {@link StreamException} keeps its code
   */
  JsonNode call(JsonNode input) throws Exception;
}
