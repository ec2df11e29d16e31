package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The shared update-op vectors ({@code /update-ops.json} on the test classpath) as JUnit arguments,
 * reusable by any test that applies update ops (directly or through {@code stream::update}).
 */
final class UpdateVectorCases {
  private UpdateVectorCases() {}

  /**
   * One {@link Arguments} per case: {@code (String name, JsonNode initialOrNull, JsonNode ops,
   * JsonNode expectedNewValue, JsonNode expectedErrors)}. {@code initialOrNull} is Java {@code
   * null} when the item does not exist (a stored JSON null is a {@code NullNode}); {@code
   * expectedErrors} is an array of {@code {"op_index":i,"code":c}}.
   */
  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : load().get("cases")) {
      cases.add(
          Arguments.of(
              c.get("name").textValue(),
              c.get("initial"),
              c.get("ops"),
              c.get("new_value"),
              c.get("errors")));
    }
    return cases.stream();
  }

  private static JsonNode load() {
    try (InputStream in = UpdateVectorCases.class.getResourceAsStream("/update-ops.json")) {
      if (in == null) {
        throw new IllegalStateException("update-ops.json is not on the test classpath");
      }
      return Json.read(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
