package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function callable by id through {@link StreamEngine#invoke}: user functions, trigger handlers,
 * condition functions and per-stream overrides. Return Java {@code null} for "no result". Throw a
 * {@link StreamException} to fail with a specific code; any other exception is reported as it is.
 */
@FunctionalInterface
public interface StreamFunction {
  JsonNode call(JsonNode input) throws Exception;
}
