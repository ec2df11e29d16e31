package dev.rivulet.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration of Rivulet: exact integers, key order as written, numbers within
 * the double range, values nested up to {@link #MAX_VALUE_DEPTH} inside the messages that carry
 * them. The mapper itself stays private (an {@code ObjectMapper} is mutable): code reads with
 * {@link #read}/{@link #parse}, writes with {@link #bytes}/{@link #text}/{@link #write} and builds
 * trees with {@link #object}/{@link #array}/{@link #NODES}. The wire messages built from those
 * trees are {@link Wire}'s.
 */
public final class Json {
  /** Deepest nesting of an item value (containers counted: a scalar is 0, {@code []} is 1). */
  public static final int MAX_VALUE_DEPTH = 1000;

  /**
   * Nesting the mapper allows: a value of {@link #MAX_VALUE_DEPTH} plus the wrappers around it
   * (function inputs and results, event and sync messages, log records).
   */
  public static final int MAX_DOCUMENT_DEPTH = MAX_VALUE_DEPTH + 16;

  /** Integers beyond 64 bits become {@code BigIntegerNode}; never handed out (mutable). */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DOCUMENT_DEPTH).build())
                  .streamWriteConstraints(
                      StreamWriteConstraints.builder().maxNestingDepth(MAX_DOCUMENT_DEPTH).build())
                  .build())
          .build();

  /** {@link #MAPPER}'s tree reader that refuses numbers a double cannot hold. */
  private static final ObjectReader READER = MAPPER.reader().with(new FiniteNodeFactory());

  /** {@link #READER} that also refuses anything but whitespace after the one value. */
  private static final ObjectReader STRICT_READER =
      READER.with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** {@link #MAPPER}'s writer (immutable). */
  private static final ObjectWriter WRITER = MAPPER.writer();

  /** The node factory of every tree Rivulet builds (exact decimals are not normalized). */
  public static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  /** An integer as the parser would read it back: an int node when it fits, else a long one. */
  public static JsonNode integer(long value) {
    return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
  }

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** A new empty JSON array. */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  private Json() {}

  /**
   * Reads a JSON document (null for an empty input): malformed JSON, too deep a nesting and numbers
   * outside the double range are all an {@link IOException}.
   */
  public static JsonNode read(byte[] bytes) throws IOException {
    try {
      return READER.readTree(bytes);
    } catch (NumberOutOfRange e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  /**
   * Like {@link #read(byte[])}, and content after the one JSON value (other than whitespace) is an
   * {@link IOException} too: request bodies and client messages, where trailing garbage must not be
   * applied.
   */
  public static JsonNode readStrict(byte[] bytes) throws IOException {
    try {
      return STRICT_READER.readTree(bytes);
    } catch (NumberOutOfRange e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  /** Like {@link #read(byte[])} for text. */
  public static JsonNode read(String text) throws IOException {
    try {
      return READER.readTree(text);
    } catch (NumberOutOfRange e) {
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  /** Parses UTF-8 JSON bytes; see {@link #read(byte[])}. */
  public static JsonNode parse(byte[] bytes) {
    try {
      return read(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON text; see {@link #read(byte[])}. */
  public static JsonNode parse(String text) {
    try {
      return read(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes to {@code out} (which may stop it by throwing). */
  public static void write(OutputStream out, JsonNode node) throws IOException {
    WRITER.writeValue(out, node);
  }

  /**
   * A plain Java value (string, number, map, record …) as JSON, with this mapper's rules.
   *
   * @throws IllegalArgumentException when Jackson cannot convert it
   */
  public static JsonNode valueToTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** Serializes to UTF-8 bytes. */
  public static byte[] bytes(JsonNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes to UTF-8 bytes with every non-ASCII character escaped (lone surrogates too). */
  public static byte[] asciiBytes(JsonNode node) {
    try {
      return WRITER
          .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
          .writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes to a string. */
  public static String text(JsonNode node) {
    try {
      return WRITER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON number {@link #read} saw as an infinite double. */
  public static final class NumberOutOfRange extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NumberOutOfRange(double value) {
      super("number out of range: " + value + " (JSON numbers must fit a double)");
    }
  }

  /** Builds the tree with exact integers and refuses numbers a double cannot hold. */
  private static final class FiniteNodeFactory extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;

    FiniteNodeFactory() {
      super(false);
    }

    @Override
    public NumericNode numberNode(double v) {
      if (!Double.isFinite(v)) {
        throw new NumberOutOfRange(v);
      }
      return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(float v) {
      if (!Float.isFinite(v)) {
        throw new NumberOutOfRange(v);
      }
      return super.numberNode(v);
    }
  }

  /** The type name the reference uses in messages: null, boolean, number, string, array, object. */
  public static String typeName(JsonNode node) {
    if (node == null) {
      return "null";
    }
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case NULL, MISSING -> "null";
      case BOOLEAN -> "boolean";
      case NUMBER -> "number";
      case STRING, BINARY -> "string";
      case ARRAY -> "array";
      case OBJECT, POJO -> "object";
    };
  }
}
