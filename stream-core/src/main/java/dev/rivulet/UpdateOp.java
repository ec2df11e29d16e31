package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
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
   *
   * @return {@code set}, {@code merge}, {@code increment}, {@code decrement}, {@code append} or
   *     {@code remove}
   */
  String type();

  /**
   * Replaces the root ({@code path = ""}) or sets one key of an object root; on a non-object root a
   * key path fails with {@code set.target_not_object}.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param value the new value; null = JSON null (copied)
   */
  record Set(String path, JsonNode value) implements UpdateOp {
    /**
     * Checks {@code path} and copies {@code value}.
     *
     * @param path one literal key, or {@code ""} for the root; not null
     * @param value the new value; null = JSON null
     */
    public Set {
      Objects.requireNonNull(path, "path");
      value = value == null ? NullNode.getInstance() : value.deepCopy();
    }

    @Override
    public String type() {
      return "set";
    }
  }

  /**
   * Shallow-merges an object into the root or into the object at {@code path}: its top-level keys
   * overwrite the target's. A root merge into a non-object is a silent no-op; a nested path creates
   * missing objects and replaces non-object ones (the root included) by {@code {}}. The value must
   * be an object of at most 1024 top-level keys, none of them {@code __proto__}, {@code
   * constructor} or {@code prototype}, nesting at most 16 deep, else the op fails with {@code
   * merge.value.*}.
   *
   * @param path the keys leading to the target object, outermost first; empty = the root; not null
   *     (copied)
   * @param value the object to merge; null = JSON null, which fails the op (copied)
   */
  record Merge(List<String> path, JsonNode value) implements UpdateOp {
    /**
     * Copies {@code path} and {@code value}.
     *
     * @param path the keys leading to the target object; empty = the root; not null
     * @param value the object to merge; null = JSON null
     */
    public Merge {
      path = List.copyOf(path);
      value = value == null ? NullNode.getInstance() : value.deepCopy();
    }

    @Override
    public String type() {
      return "merge";
    }
  }

  /**
   * Adds {@code by} to the number at the root or at one key. A missing key (or the root of a
   * missing item, before any op succeeded) becomes {@code by}; a non-number, null included, fails
   * with {@code increment.not_number}. Integer arithmetic is exact (signed 64-bit, then unsigned
   * 64-bit on overflow); floating-point numbers add as doubles.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param by the amount to add
   */
  record Increment(String path, long by) implements UpdateOp {
    /**
     * Checks {@code path}.
     *
     * @param path one literal key, or {@code ""} for the root; not null
     * @param by the amount to add
     */
    public Increment {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return "increment";
    }
  }

  /**
   * Subtracts {@code by} from the number at the root or at one key; like {@link Increment}, with a
   * missing key becoming {@code -by} and failures coded {@code decrement.not_number}.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param by the amount to subtract
   */
  record Decrement(String path, long by) implements UpdateOp {
    /**
     * Checks {@code path}.
     *
     * @param path one literal key, or {@code ""} for the root; not null
     * @param by the amount to subtract
     */
    public Decrement {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return "decrement";
    }
  }

  /**
   * Appends to an array (one element, never flattened) or concatenates to a string. A null or
   * missing target becomes the string value, or {@code [value]} for any other value (a missing leaf
   * under two or more segments always becomes {@code [value]}); an object, number or boolean
   * target, or a non-string value for a string target, fails with {@code append.type_mismatch}.
   *
   * @param path the keys leading to the target, outermost first; empty = the root; not null
   *     (copied)
   * @param value the element or string to append; null = JSON null (copied)
   */
  record Append(List<String> path, JsonNode value) implements UpdateOp {
    /**
     * Copies {@code path} and {@code value}.
     *
     * @param path the keys leading to the target; empty = the root; not null
     * @param value the element or string to append; null = JSON null
     */
    public Append {
      path = List.copyOf(path);
      value = value == null ? NullNode.getInstance() : value.deepCopy();
    }

    @Override
    public String type() {
      return "append";
    }
  }

  /**
   * Removes one key (a missing key is a silent no-op), or sets the root to JSON null ({@code path =
   * ""}; the item still exists).
   *
   * @param path one literal key, or {@code ""} for the root; not null
   */
  record Remove(String path) implements UpdateOp {
    /**
     * Checks {@code path}.
     *
     * @param path one literal key, or {@code ""} for the root; not null
     */
    public Remove {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return "remove";
    }
  }

  /**
   * A {@link Set} op.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param value the new value; null = JSON null
   * @return the op
   */
  static UpdateOp set(String path, JsonNode value) {
    return new Set(path, value);
  }

  /**
   * A {@link Set} op with any value a plain Jackson mapper converts: a {@code String}, a number, a
   * boolean, a {@code Map}, a record or POJO ({@code UpdateOp.set("status", "paid")}). A {@link
   * JsonNode} goes to {@link #set(String, JsonNode)}.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param value the new value; null = JSON null
   * @return the op
   * @throws StreamException {@code invalid_argument} when the value cannot be converted to JSON
   */
  static UpdateOp set(String path, Object value) {
    return new Set(path, UpdateOpCodec.toJson(value));
  }

  /**
   * A {@link Merge} op.
   *
   * @param path the keys leading to the target object; empty = the root; not null
   * @param value the object to merge
   * @return the op
   */
  static UpdateOp merge(List<String> path, JsonNode value) {
    return new Merge(path, value);
  }

  /**
   * An {@link Increment} op.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param by the amount to add
   * @return the op
   */
  static UpdateOp increment(String path, long by) {
    return new Increment(path, by);
  }

  /**
   * A {@link Decrement} op.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @param by the amount to subtract
   * @return the op
   */
  static UpdateOp decrement(String path, long by) {
    return new Decrement(path, by);
  }

  /**
   * An {@link Append} op.
   *
   * @param path the keys leading to the target; empty = the root; not null
   * @param value the element or string to append; null = JSON null
   * @return the op
   */
  static UpdateOp append(List<String> path, JsonNode value) {
    return new Append(path, value);
  }

  /**
   * A {@link Remove} op.
   *
   * @param path one literal key, or {@code ""} for the root; not null
   * @return the op
   */
  static UpdateOp remove(String path) {
    return new Remove(path);
  }

  /**
   * Decodes the wire form, e.g. {@code {"type":"increment","path":"count","by":1}}. The {@code
   * path} of merge/append may be a string, an array of strings, absent or null (absent, null,
   * {@code ""} and {@code []} all mean the root); {@code by} must be a JSON integer in signed
   * 64-bit range. Unknown extra fields are ignored.
   *
   * @param json one op object
   * @return the decoded op
   * @throws StreamException {@code deserialization_error} naming what is wrong
   */
  static UpdateOp fromJson(JsonNode json) {
    return UpdateOpCodec.decode(json);
  }

  /**
   * Encodes the wire form; root paths of merge/append are omitted, as the reference SDKs do, other
   * merge/append paths are arrays, so {@code fromJson(op.toJson())} equals {@code op}.
   *
   * @return a new JSON object with {@code type}, {@code path} and {@code value} or {@code by}
   */
  default JsonNode toJson() {
    return UpdateOpCodec.encode(this);
  }
}
