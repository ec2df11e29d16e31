package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The bounds of one item value (SPEC §9), checked before anything is committed: nesting depth,
 * finite numbers only, and the length of its serialized JSON.
 */
final class ValueLimits {
  /**
   * Default and hard maximum of the nesting depth (containers counted: a scalar is 0, {@code []}
   * 1).
   */
  static final int MAX_VALUE_DEPTH = Json.MAX_VALUE_DEPTH;

  /** Default bound of an item's serialized JSON, in bytes. */
  static final int DEFAULT_MAX_ITEM_BYTES = 1024 * 1024;

  private final int maxItemBytes;
  private final int maxValueDepth;

  ValueLimits(int maxItemBytes, int maxValueDepth) {
    if (maxItemBytes < 1) {
      throw new IllegalArgumentException("maxItemBytes must be at least 1: " + maxItemBytes);
    }
    if (maxValueDepth < 1 || maxValueDepth > MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException(
          "maxValueDepth must be in 1.." + MAX_VALUE_DEPTH + ": " + maxValueDepth);
    }
    this.maxItemBytes = maxItemBytes;
    this.maxValueDepth = maxValueDepth;
  }

  static ValueLimits defaults() {
    return new ValueLimits(DEFAULT_MAX_ITEM_BYTES, MAX_VALUE_DEPTH);
  }

  /**
   * Refuses a value that may not be stored or sent: {@code invalid_argument} when it nests deeper
   * than the depth limit or holds a non-finite number, {@code value_too_large} when its JSON is
   * longer than the item limit.
   *
   * @param what names the value in messages, e.g. {@code "the new value of stream::update"}
   */
  void check(String what, JsonNode value) {
    checkShape(what, value);
    long bytes = serializedLength(value);
    if (bytes > maxItemBytes) {
      throw new StreamException(
          StreamException.VALUE_TOO_LARGE,
          "Value too large: " + what + " is over " + maxItemBytes + " bytes of JSON");
    }
  }

  /** Whether {@code e} is a refusal of {@link #check} (passed through an adapter unchanged). */
  static boolean isRefusal(StreamException e) {
    return e.code().equals(StreamException.VALUE_TOO_LARGE)
        || e.code().equals(StreamException.INVALID_ARGUMENT);
  }

  /** Depth and numbers, walked without recursion so that no value can overflow the stack. */
  private void checkShape(String what, JsonNode value) {
    Deque<Iterator<JsonNode>> open = new ArrayDeque<>();
    JsonNode node = value;
    while (true) {
      if (node.isContainerNode()) {
        if (open.size() == maxValueDepth) {
          throw invalid(what + " nests deeper than " + maxValueDepth + " levels");
        }
        open.push(node.elements());
      } else if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
        if (!Double.isFinite(node.doubleValue())) {
          throw invalid(what + " holds the non-finite number " + node.doubleValue());
        }
      }
      node = null;
      while (!open.isEmpty() && node == null) {
        Iterator<JsonNode> top = open.peek();
        if (top.hasNext()) {
          node = top.next();
        } else {
          open.pop();
        }
      }
      if (node == null) {
        return;
      }
    }
  }

  /** The serialized length, counted without buffering and given up once over the limit. */
  private long serializedLength(JsonNode value) {
    Counter counter = new Counter(maxItemBytes);
    try {
      Json.write(counter, value);
    } catch (Counter.Overflow e) {
      return counter.count;
    } catch (IOException e) {
      if (e.getCause() instanceof Counter.Overflow || counter.count > maxItemBytes) {
        return counter.count;
      }
      throw new StreamException(
          StreamException.INVALID_ARGUMENT,
          "Invalid value: cannot be serialized: " + e.getMessage());
    }
    return counter.count;
  }

  private static StreamException invalid(String detail) {
    return new StreamException(StreamException.INVALID_ARGUMENT, "Invalid value: " + detail);
  }

  /** Counts bytes and stops the serializer once past the limit. */
  private static final class Counter extends OutputStream {
    private final long limit;
    long count;

    Counter(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      add(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      add(len);
    }

    private void add(int n) throws Overflow {
      count += n;
      if (count > limit) {
        throw new Overflow();
      }
    }

    /** Thrown to stop serializing; carries no stack trace. */
    static final class Overflow extends IOException {
      private static final long serialVersionUID = 1L;

      Overflow() {
        super("over the limit", null);
      }

      @Override
      public synchronized Throwable fillInStackTrace() {
        return this;
      }
    }
  }
}
