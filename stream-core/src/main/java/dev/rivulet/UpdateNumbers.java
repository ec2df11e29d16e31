package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigInteger;

/**
 * Arithmetic of increment/decrement (SPEC §4): integers are exact in signed 64-bit, falling back to
 * unsigned 64-bit, so the valid range of a result is {@code [i64::MIN, u64::MAX]}; floats add as
 * doubles. Results use the node class Jackson's parser would produce for the same number, so they
 * compare equal to parsed JSON.
 */
final class UpdateNumbers {
  private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private UpdateNumbers() {}

  /**
   * {@code value + by}, or {@code null} when {@code value} is no number or the result is out of
   * range.
   */
  static JsonNode add(JsonNode value, long by) {
    if (value.isInt() || value.isLong() || value.isShort()) {
      long v = value.longValue();
      long r = v + by;
      if (((v ^ r) & (by ^ r)) >= 0) {
        return of(r);
      }
      return ofExact(BigInteger.valueOf(v).add(BigInteger.valueOf(by)));
    }
    if (value.isBigInteger()) {
      return ofExact(value.bigIntegerValue().add(BigInteger.valueOf(by)));
    }
    if (value.isFloatingPointNumber()) {
      return ofDouble(value.doubleValue() + (double) by);
    }
    return null;
  }

  /**
   * {@code value - by}, or {@code null} when {@code value} is no number or the result is out of
   * range.
   */
  static JsonNode subtract(JsonNode value, long by) {
    if (value.isInt() || value.isLong() || value.isShort()) {
      long v = value.longValue();
      long r = v - by;
      if (((v ^ by) & (v ^ r)) >= 0) {
        return of(r);
      }
      return ofExact(BigInteger.valueOf(v).subtract(BigInteger.valueOf(by)));
    }
    if (value.isBigInteger()) {
      return ofExact(value.bigIntegerValue().subtract(BigInteger.valueOf(by)));
    }
    if (value.isFloatingPointNumber()) {
      return ofDouble(value.doubleValue() - (double) by);
    }
    return null;
  }

  /** {@code -by} exactly ({@code -i64::MIN} is the unsigned {@code 9223372036854775808}). */
  static JsonNode negated(long by) {
    return by == Long.MIN_VALUE ? BigIntegerNode.valueOf(BigInteger.valueOf(by).negate()) : of(-by);
  }

  /** The node Jackson's parser produces for an integer: {@code IntNode} or {@code LongNode}. */
  static JsonNode of(long v) {
    int i = (int) v;
    return i == v ? IntNode.valueOf(i) : LongNode.valueOf(v);
  }

  private static JsonNode ofExact(BigInteger v) {
    if (v.compareTo(I64_MIN) < 0 || v.compareTo(U64_MAX) > 0) {
      return null;
    }
    return v.bitLength() < 64 ? of(v.longValue()) : BigIntegerNode.valueOf(v);
  }

  private static JsonNode ofDouble(double d) {
    return Double.isFinite(d) ? DoubleNode.valueOf(d) : null;
  }
}
