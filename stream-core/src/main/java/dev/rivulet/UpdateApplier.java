package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies update ops (SPEC §4) with the semantics of the reference's {@code apply_update_ops}.
 *
 * <p>The stored value is shared with readers and events, so it is never modified: the walk is
 * copy-on-write. Each object or array on a touched path is shallow-copied once per call (the copy
 * is then "owned" and later ops of the same call change it in place); untouched subtrees and op
 * values are shared, never changed.
 */
final class UpdateApplier {
  static final int MAX_VALUE_DEPTH = 16;
  static final int MAX_VALUE_KEYS = 1024;

  private static final JsonNodeFactory NODES = Json.NODES;

  /** Owned containers tracked in a plain array before switching to an identity set. */
  private static final int SMALL_OWNED = 16;

  private UpdateApplier() {}

  /** The outcome of applying a list of ops. */
  public record Applied(JsonNode newValue, List<UpdateOpError> errors) {}

  /**
   * @param current stored value, or Java null when the item is missing; never modified
   */
  public static Applied apply(JsonNode current, List<UpdateOp> ops) {
    Run run = new Run(current);
    for (int i = 0; i < ops.size(); i++) {
      run.apply(i, ops.get(i));
    }
    List<UpdateOpError> errors =
        run.errors == null ? List.of() : Collections.unmodifiableList(run.errors);
    return new Applied(run.value, errors);
  }

  /** The mutable state of one {@link #apply} call. */
  private static final class Run {
    private JsonNode value;

    /** The item was missing and no op has touched the state yet (facts §2.2). */
    private boolean missingDefault;

    private List<UpdateOpError> errors;

    /**
     * Containers created by this call (compared by identity); only these may be changed in place. A
     * small array scanned linearly, switching to an identity set when a call creates many.
     */
    private JsonNode[] ownedSmall;

    private int ownedCount;
    private Set<JsonNode> ownedLarge;

    Run(JsonNode current) {
      missingDefault = current == null;
      value = current == null ? newObject() : current;
    }

    void apply(int index, UpdateOp op) {
      // Java 17 has no pattern matching for switch; the chain covers every permitted record.
      if (op instanceof UpdateOp.Set set) {
        set(index, set);
      } else if (op instanceof UpdateOp.Merge merge) {
        merge(index, merge);
      } else if (op instanceof UpdateOp.Increment inc) {
        arithmetic(index, inc.type(), inc.path(), inc.by(), false);
      } else if (op instanceof UpdateOp.Decrement dec) {
        arithmetic(index, dec.type(), dec.path(), dec.by(), true);
      } else if (op instanceof UpdateOp.Append append) {
        append(index, append);
      } else if (op instanceof UpdateOp.Remove remove) {
        remove(index, remove);
      } else {
        throw new IllegalArgumentException("unknown update op: " + op);
      }
    }

    // ---------------------------------------------------------------- ops

    private void set(int index, UpdateOp.Set op) {
      String path = op.path();
      if (!pathOk(index, op.type(), UpdatePaths.check(path))) {
        return;
      }
      if (path.isEmpty()) {
        value = op.value();
      } else if (value instanceof ObjectNode root) {
        ownRoot(root).set(path, op.value());
      } else {
        targetNotObject(index, op.type(), path);
        return;
      }
      missingDefault = false;
    }

    private void merge(int index, UpdateOp.Merge op) {
      List<String> path = op.path();
      if (!pathOk(index, op.type(), UpdatePaths.check(path)) || !mergeValueOk(index, op.value())) {
        return;
      }
      ObjectNode target;
      if (!path.isEmpty()) {
        target = walk(path, path.size());
      } else if (value instanceof ObjectNode root) {
        target = ownRoot(root);
      } else {
        return; // root merge into a non-object: silent no-op, as the reference
      }
      target.setAll((ObjectNode) op.value());
      missingDefault = false;
    }

    private void arithmetic(int index, String type, String path, long by, boolean decrement) {
      if (!pathOk(index, type, UpdatePaths.check(path))) {
        return;
      }
      JsonNode initial = decrement ? UpdateNumbers.negated(by) : UpdateNumbers.of(by);
      if (path.isEmpty()) {
        if (missingDefault) {
          value = initial;
        } else {
          JsonNode result = compute(value, by, decrement);
          if (result == null) {
            notNumber(index, type, path, value);
            return;
          }
          value = result;
        }
      } else if (value instanceof ObjectNode root) {
        JsonNode existing = root.get(path);
        JsonNode result = existing == null ? initial : compute(existing, by, decrement);
        if (result == null) {
          notNumber(index, type, path, existing);
          return;
        }
        ownRoot(root).set(path, result);
      } else {
        targetNotObject(index, type, path);
        return;
      }
      missingDefault = false;
    }

    private static JsonNode compute(JsonNode number, long by, boolean decrement) {
      return decrement ? UpdateNumbers.subtract(number, by) : UpdateNumbers.add(number, by);
    }

    private void append(int index, UpdateOp.Append op) {
      List<String> path = op.path();
      if (!pathOk(index, op.type(), UpdatePaths.check(path))) {
        return;
      }
      JsonNode item = op.value();
      if (path.isEmpty()) {
        JsonNode target = missingDefault ? NullNode.getInstance() : value;
        JsonNode result = appendTo(index, target, item, "root");
        if (result != null) {
          value = result;
          missingDefault = false;
        }
        return;
      }
      if (!(value instanceof ObjectNode root)) {
        fail(
            index,
            "append.target_not_object",
            "Cannot append at path '"
                + UpdatePaths.label(path)
                + "': target is "
                + Json.typeName(value)
                + ", expected object.");
        return;
      }
      int last = path.size() - 1;
      String leaf = path.get(last);
      // One segment: a missing key starts by kind (string stays string); deeper: always an array.
      ObjectNode parent = last == 0 ? root : walk(path, last);
      JsonNode existing = parent.get(leaf);
      JsonNode result =
          existing != null
              ? appendTo(index, existing, item, leaf)
              : last == 0 ? initialAppend(item) : newArray(item);
      if (result != null && result != existing) {
        (parent == root ? ownRoot(root) : parent).set(leaf, result);
      }
      // The reference clears the flag even when the leaf rules failed.
      missingDefault = false;
    }

    private void remove(int index, UpdateOp.Remove op) {
      String path = op.path();
      if (!pathOk(index, op.type(), UpdatePaths.check(path))) {
        return;
      }
      if (path.isEmpty()) {
        value = NullNode.getInstance();
      } else if (value instanceof ObjectNode root) {
        if (root.has(path)) {
          ownRoot(root).remove(path);
        }
      } else {
        targetNotObject(index, op.type(), path);
        return;
      }
      missingDefault = false;
    }

    // ---------------------------------------------------------------- append leaf rules

    /** The leaf rules: the new target, or {@code null} after recording a type mismatch. */
    private JsonNode appendTo(int index, JsonNode target, JsonNode item, String label) {
      if (target instanceof ArrayNode array) {
        ArrayNode result = own(array);
        result.add(item);
        return result;
      }
      if (target.isTextual()) {
        if (item.isTextual()) {
          return TextNode.valueOf(target.textValue() + item.textValue());
        }
        fail(
            index,
            "append.type_mismatch",
            "Expected string append value at path '"
                + label
                + "', got "
                + Json.typeName(item)
                + ".");
        return null;
      }
      if (target.isNull()) {
        return initialAppend(item);
      }
      fail(
          index,
          "append.type_mismatch",
          "Cannot append at path '"
              + label
              + "': target is "
              + Json.typeName(target)
              + ", expected array, string, null, or missing field.");
      return null;
    }

    /** The value appending to null or a missing key gives: a string stays, else {@code [v]}. */
    private JsonNode initialAppend(JsonNode item) {
      return item.isTextual() ? item : newArray(item);
    }

    // ---------------------------------------------------------------- merge value checks

    private boolean mergeValueOk(int index, JsonNode patch) {
      if (!(patch instanceof ObjectNode object)) {
        fail(index, "merge.value.not_an_object", "Merge value must be a JSON object");
        return false;
      }
      int keys = object.size();
      if (keys > MAX_VALUE_KEYS) {
        fail(
            index,
            "merge.value.too_many_keys",
            "Merge value has " + keys + " top-level keys, exceeds maximum of " + MAX_VALUE_KEYS);
        return false;
      }
      for (Map.Entry<String, JsonNode> entry : object.properties()) {
        if (UpdatePaths.isProtoSink(entry.getKey())) {
          fail(
              index,
              "merge.value.proto_polluted",
              "Merge value top-level key \"" + entry.getKey() + "\" is a prototype-pollution sink");
          return false;
        }
      }
      int depth = depth(object);
      if (depth > MAX_VALUE_DEPTH) {
        fail(
            index,
            "merge.value.too_deep",
            "Merge value JSON nesting depth " + depth + " exceeds maximum of " + MAX_VALUE_DEPTH);
        return false;
      }
      return true;
    }

    /** Nesting depth: a scalar is 0, a container 1 + the deepest child ({@code {}} = 1). */
    private static int depth(JsonNode node) {
      if (!node.isContainerNode()) {
        return 0;
      }
      int deepest = 0;
      for (JsonNode child : node) {
        if (child.isContainerNode()) {
          deepest = Math.max(deepest, depth(child));
        }
      }
      return 1 + deepest;
    }

    // ---------------------------------------------------------------- copy-on-write walk

    /**
     * The owned object at the first {@code n} segments of {@code path}: a non-object root and
     * non-object or missing intermediates are replaced by {@code {}} (merge/append semantics).
     */
    private ObjectNode walk(List<String> path, int n) {
      ObjectNode node = value instanceof ObjectNode root ? ownRoot(root) : newRoot();
      for (int i = 0; i < n; i++) {
        String segment = path.get(i);
        JsonNode child = node.get(segment);
        ObjectNode next = child instanceof ObjectNode object ? own(object) : newObject();
        if (next != child) {
          node.set(segment, next);
        }
        node = next;
      }
      return node;
    }

    private ObjectNode ownRoot(ObjectNode root) {
      ObjectNode result = own(root);
      value = result;
      return result;
    }

    private ObjectNode newRoot() {
      ObjectNode result = newObject();
      value = result;
      return result;
    }

    private ObjectNode own(ObjectNode node) {
      if (isOwned(node)) {
        return node;
      }
      ObjectNode copy = newObject();
      copy.setAll(node);
      return copy;
    }

    private ArrayNode own(ArrayNode node) {
      if (isOwned(node)) {
        return node;
      }
      ArrayNode copy = new ArrayNode(NODES, node.size() + 1);
      copy.addAll(node);
      return owned(copy);
    }

    private ObjectNode newObject() {
      return owned(NODES.objectNode());
    }

    private ArrayNode newArray(JsonNode first) {
      ArrayNode array = owned(new ArrayNode(NODES, 4));
      array.add(first);
      return array;
    }

    private boolean isOwned(JsonNode node) {
      if (ownedLarge != null) {
        return ownedLarge.contains(node);
      }
      for (int i = 0; i < ownedCount; i++) {
        if (ownedSmall[i] == node) {
          return true;
        }
      }
      return false;
    }

    private <T extends JsonNode> T owned(T node) {
      if (ownedLarge != null) {
        ownedLarge.add(node);
      } else if (ownedSmall == null) {
        ownedSmall = new JsonNode[SMALL_OWNED];
        ownedSmall[ownedCount++] = node;
      } else if (ownedCount < SMALL_OWNED) {
        ownedSmall[ownedCount++] = node;
      } else {
        ownedLarge = Collections.newSetFromMap(new IdentityHashMap<>(4 * SMALL_OWNED));
        Collections.addAll(ownedLarge, ownedSmall);
        ownedLarge.add(node);
        ownedSmall = null;
      }
      return node;
    }

    // ---------------------------------------------------------------- errors

    private boolean pathOk(int index, String type, UpdatePaths.Problem problem) {
      if (problem == null) {
        return true;
      }
      fail(index, type + ".path." + problem.reason(), problem.message());
      return false;
    }

    private void targetNotObject(int index, String type, String path) {
      fail(
          index,
          type + ".target_not_object",
          "Cannot "
              + type
              + " at path '"
              + UpdatePaths.label(path)
              + "': target is "
              + Json.typeName(value)
              + ", expected object.");
    }

    private void notNumber(int index, String type, String path, JsonNode found) {
      fail(
          index,
          type + ".not_number",
          "Expected number at path '"
              + UpdatePaths.label(path)
              + "', got "
              + Json.typeName(found)
              + ".");
    }

    private void fail(int index, String code, String message) {
      if (errors == null) {
        errors = new ArrayList<>(2);
      }
      errors.add(new UpdateOpError(index, code, message));
    }
  }
}
