package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.internal.UpdateOpCodec;
import java.util.List;
import java.util.Objects;

/**
 * One atomic update operation of {@code stream::update}, as data. Paths of {@link Set}, {@link
 * Increment}, {@link Decrement} and {@link Remove} are one literal key ({@code ""} = the root);
 * paths of {@link Merge} and {@link Append} are a list of literal keys (empty = the root). Dots are
 * never separators.
 *
 * <p>Values are copied when an op is created, so later changes to the caller's {@link JsonNode}
 * never reach the store.
 */
public sealed interface UpdateOp
    permits UpdateOp.Set,
        UpdateOp.Merge,
        UpdateOp.Increment,
        UpdateOp.Decrement,
        UpdateOp.Append,
        UpdateOp.Remove {

  /**
   * The wire name of the op ({@code set}, {@code merge}, …), also the prefix of its error codes.
   */
  String type();

  /** Replaces the root ({@code path = ""}) or sets one key of an object root. */
  record Set(String path, JsonNode value) implements UpdateOp {
    public Set {
      Objects.requireNonNull(path, "path");
      value = value == null ? NullNode.getInstance() : value.deepCopy();
    }

    @Override
    public String type() {
      return "set";
    }
  }

  /** Shallow-merges an object into the root or into the object at {@code path}. */
  record Merge(List<String> path, JsonNode value) implements UpdateOp {
    public Merge {
      path = List.copyOf(path);
      value = value == null ? NullNode.getInstance() : value.deepCopy();
    }

    @Override
    public String type() {
      return "merge";
    }
  }

  /** Adds {@code by} to the number at the root or at one key. */
  record Increment(String path, long by) implements UpdateOp {
    public Increment {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return "increment";
    }
  }

  /** Subtracts {@code by} from the number at the root or at one key. */
  record Decrement(String path, long by) implements UpdateOp {
    public Decrement {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return "decrement";
    }
  }

  /** Appends to an array (one element, never flattened) or concatenates to a string. */
  record Append(List<String> path, JsonNode value) implements UpdateOp {
    public Append {
      path = List.copyOf(path);
      value = value == null ? NullNode.getInstance() : value.deepCopy();
    }

    @Override
    public String type() {
      return "append";
    }
  }

  /** Removes one key, or sets the root to JSON null ({@code path = ""}). */
  record Remove(String path) implements UpdateOp {
    public Remove {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return "remove";
    }
  }

  static UpdateOp set(String path, JsonNode value) {
    return new Set(path, value);
  }

  static UpdateOp merge(List<String> path, JsonNode value) {
    return new Merge(path, value);
  }

  static UpdateOp increment(String path, long by) {
    return new Increment(path, by);
  }

  static UpdateOp decrement(String path, long by) {
    return new Decrement(path, by);
  }

  static UpdateOp append(List<String> path, JsonNode value) {
    return new Append(path, value);
  }

  static UpdateOp remove(String path) {
    return new Remove(path);
  }

  /**
   * Decodes the wire form, e.g. {@code {"type":"increment","path":"count","by":1}}.
   *
   * @throws StreamException {@code deserialization_error} naming what is wrong
   */
  static UpdateOp fromJson(JsonNode json) {
    return UpdateOpCodec.decode(json);
  }

  /** Encodes the wire form; root paths of merge/append are omitted, as the reference SDKs do. */
  default JsonNode toJson() {
    return UpdateOpCodec.encode(this);
  }
}
