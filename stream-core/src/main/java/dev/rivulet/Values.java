package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/** Converts handle values (POJOs, records, maps, JSON nodes) with the engine's mapper. */
final class Values {
  private final ObjectMapper mapper;

  Values(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * A plain mapper with every Jackson module on the class path (Java time support when {@code
   * jackson-datatype-jsr310} is there), writing dates as ISO-8601 text.
   */
  static Values withDefaultMapper() {
    return new Values(
        JsonMapper.builder()
            .findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build());
  }

  /**
   * The JSON form of {@code value}: a node as it is (the engine copies what it keeps, once the
   * value passed its limits), JSON null for Java null.
   */
  JsonNode toJson(Object value) {
    if (value == null) {
      return NullNode.getInstance();
    }
    if (value instanceof JsonNode node) {
      return node;
    }
    try {
      return mapper.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw conversion("Cannot convert " + value.getClass().getName() + " to JSON", e);
    }
  }

  /** {@code json} as a {@code type}; Java null for a missing value or JSON null. */
  <T> T fromJson(JsonNode json, Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (json == null || json.isNull() && !JsonNode.class.isAssignableFrom(type)) {
      return null;
    }
    try {
      return mapper.treeToValue(json, type);
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw conversion("Cannot convert the stored value to " + type.getName(), e);
    }
  }

  private static StreamException conversion(String what, Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new StreamException(
        StreamException.INVALID_ARGUMENT, what + ": " + root.getMessage(), e);
  }
}
