package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON literals in tests. */
final class TestJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private TestJson() {}

  /** Parses JSON text, with {@code '} standing for {@code "} to keep literals readable. */
  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
