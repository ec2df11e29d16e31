package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpdateApplierTest {
  private static final String LONG_257 = "a".repeat(257);

  /** JSON with single quotes for readability: {@code j("{'a':1}")}. */
  static JsonNode j(String json) {
    return Json.parse(json.replace('\'', '"'));
  }

  static UpdateApplier.Applied apply(String initialOrNull, UpdateOp... ops) {
    return UpdateApplier.apply(initialOrNull == null ? null : j(initialOrNull), List.of(ops));
  }

  static JsonNode value(String initialOrNull, UpdateOp... ops) {
    UpdateApplier.Applied applied = apply(initialOrNull, ops);
    assertThat(applied.errors()).isEmpty();
    return applied.newValue();
  }

  static List<String> path(String... segments) {
    return List.of(segments);
  }

  static List<String> segments(int n) {
    List<String> path = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      path.add("s" + i);
    }
    return path;
  }

  /** An object nested {@code depth} levels deep ({@code {}} = 1). */
  static JsonNode nested(int depth) {
    JsonNode node = Json.object();
    for (int i = 1; i < depth; i++) {
      ObjectNode outer = Json.object();
      outer.set("n", node);
      node = outer;
    }
    return node;
  }

  static JsonNode objectWithKeys(int n) {
    ObjectNode node = Json.object();
    for (int i = 0; i < n; i++) {
      node.put("k" + i, i);
    }
    return node;
  }

  // ------------------------------------------------------------------ error catalog

  static Stream<Arguments> everyErrorCode() {
    JsonNode one = j("1");
    return Stream.of(
        Arguments.of(
            "set.target_not_object",
            "'leaf'",
            UpdateOp.set("field", one),
            "Cannot set at path 'field': target is string, expected object."),
        Arguments.of(
            "set.path.segment_too_long",
            "{}",
            UpdateOp.set(LONG_257, one),
            "Path segment of 257 bytes exceeds maximum of 256"),
        Arguments.of(
            "set.path.proto_polluted",
            "{}",
            UpdateOp.set("__proto__", one),
            "Path segment '__proto__' is not allowed (prototype pollution)."),
        Arguments.of(
            "merge.path.too_deep",
            "{}",
            UpdateOp.merge(segments(33), j("{}")),
            "Path depth 33 exceeds maximum of 32"),
        Arguments.of(
            "merge.path.empty_segment",
            "{}",
            UpdateOp.merge(path("a", ""), j("{}")),
            "Path contains an empty segment"),
        Arguments.of(
            "merge.path.segment_too_long",
            "{}",
            UpdateOp.merge(path("a", LONG_257), j("{}")),
            "Path segment of 257 bytes exceeds maximum of 256"),
        Arguments.of(
            "merge.path.proto_polluted",
            "{}",
            UpdateOp.merge(path("a", "constructor"), j("{}")),
            "Path segment 'constructor' is not allowed (prototype pollution)."),
        Arguments.of(
            "merge.value.not_an_object",
            "{}",
            UpdateOp.merge(path("a"), j("[1]")),
            "Merge value must be a JSON object"),
        Arguments.of(
            "merge.value.too_many_keys",
            "{}",
            UpdateOp.merge(path(), objectWithKeys(1025)),
            "Merge value has 1025 top-level keys, exceeds maximum of 1024"),
        Arguments.of(
            "merge.value.proto_polluted",
            "{}",
            UpdateOp.merge(path(), j("{'ok':1,'prototype':{}}")),
            "Merge value top-level key \"prototype\" is a prototype-pollution sink"),
        Arguments.of(
            "merge.value.too_deep",
            "{}",
            UpdateOp.merge(path(), nested(17)),
            "Merge value JSON nesting depth 17 exceeds maximum of 16"),
        Arguments.of(
            "increment.target_not_object",
            "[1]",
            UpdateOp.increment("count", 1),
            "Cannot increment at path 'count': target is array, expected object."),
        Arguments.of(
            "increment.not_number",
            "{'name':'Ada'}",
            UpdateOp.increment("name", 1),
            "Expected number at path 'name', got string."),
        Arguments.of(
            "increment.path.segment_too_long",
            "{}",
            UpdateOp.increment(LONG_257, 1),
            "Path segment of 257 bytes exceeds maximum of 256"),
        Arguments.of(
            "increment.path.proto_polluted",
            "{}",
            UpdateOp.increment("prototype", 1),
            "Path segment 'prototype' is not allowed (prototype pollution)."),
        Arguments.of(
            "decrement.target_not_object",
            "true",
            UpdateOp.decrement("count", 1),
            "Cannot decrement at path 'count': target is boolean, expected object."),
        Arguments.of(
            "decrement.not_number",
            "{'n':null}",
            UpdateOp.decrement("n", 1),
            "Expected number at path 'n', got null."),
        Arguments.of(
            "decrement.path.segment_too_long",
            "{}",
            UpdateOp.decrement(LONG_257, 1),
            "Path segment of 257 bytes exceeds maximum of 256"),
        Arguments.of(
            "decrement.path.proto_polluted",
            "{}",
            UpdateOp.decrement("__proto__", 1),
            "Path segment '__proto__' is not allowed (prototype pollution)."),
        Arguments.of(
            "append.target_not_object",
            "[1,2,3]",
            UpdateOp.append(path("a", "b"), j("'x'")),
            "Cannot append at path '[a, b]': target is array, expected object."),
        Arguments.of(
            "append.type_mismatch",
            "{'o':{}}",
            UpdateOp.append(path("o"), j("'x'")),
            "Cannot append at path 'o': target is object, expected array, string, null, or"
                + " missing field."),
        Arguments.of(
            "append.path.too_deep",
            "{}",
            UpdateOp.append(segments(40), j("1")),
            "Path depth 40 exceeds maximum of 32"),
        Arguments.of(
            "append.path.empty_segment",
            "{}",
            UpdateOp.append(path(""), j("1")),
            "Path contains an empty segment"),
        Arguments.of(
            "append.path.segment_too_long",
            "{}",
            UpdateOp.append(path(LONG_257), j("1")),
            "Path segment of 257 bytes exceeds maximum of 256"),
        Arguments.of(
            "append.path.proto_polluted",
            "{}",
            UpdateOp.append(path("a", "b", "__proto__"), j("1")),
            "Path segment '__proto__' is not allowed (prototype pollution)."),
        Arguments.of(
            "remove.target_not_object",
            "12",
            UpdateOp.remove("count"),
            "Cannot remove at path 'count': target is number, expected object."),
        Arguments.of(
            "remove.path.segment_too_long",
            "{}",
            UpdateOp.remove(LONG_257),
            "Path segment of 257 bytes exceeds maximum of 256"),
        Arguments.of(
            "remove.path.proto_polluted",
            "{}",
            UpdateOp.remove("constructor"),
            "Path segment 'constructor' is not allowed (prototype pollution)."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyErrorCode")
  void everyErrorCodeCarriesTheReferenceMessageAndLeavesTheValueUnchanged(
      String code, String initial, UpdateOp op, String message) {
    UpdateApplier.Applied applied = apply(initial, op);

    assertThat(applied.errors()).containsExactly(new UpdateOpError(0, code, message));
    assertThat(applied.newValue()).isEqualTo(j(initial));
  }

  @Test
  void appendTypeMismatchOfNonStringValueNamesTheValueType() {
    UpdateApplier.Applied applied =
        apply("{'t':'hello'}", UpdateOp.append(path("t"), j("{'not':'string'}")));

    assertThat(applied.errors())
        .containsExactly(
            new UpdateOpError(
                0,
                "append.type_mismatch",
                "Expected string append value at path 't', got object."));
  }

  @Test
  void nestedAppendMismatchIsLabelledWithTheLeafKey() {
    UpdateApplier.Applied applied =
        apply("{'a':{'b':5}}", UpdateOp.append(path("a", "b"), j("'x'")));

    assertThat(applied.errors())
        .extracting(UpdateOpError::message)
        .containsExactly(
            "Cannot append at path 'b': target is number, expected array, string, null, or"
                + " missing field.");
    assertThat(applied.newValue()).isEqualTo(j("{'a':{'b':5}}"));
  }

  @Test
  void rootErrorsAreLabelledRoot() {
    UpdateApplier.Applied applied =
        apply(
            "{'a':1}",
            UpdateOp.increment("", 1),
            UpdateOp.decrement("", 1),
            UpdateOp.append(path(), j("'x'")));

    assertThat(applied.errors())
        .extracting(UpdateOpError::message)
        .containsExactly(
            "Expected number at path 'root', got object.",
            "Expected number at path 'root', got object.",
            "Cannot append at path 'root': target is object, expected array, string, null, or"
                + " missing field.");
  }

  @Test
  void singleSegmentAppendOnNonObjectRootIsLabelledInBrackets() {
    UpdateApplier.Applied applied = apply("'leaf'", UpdateOp.append(path("events"), j("'c'")));

    assertThat(applied.errors())
        .extracting(UpdateOpError::message)
        .containsExactly("Cannot append at path '[events]': target is string, expected object.");
  }

  @Test
  void failedOpsAreSkippedAndLaterOpsStillRunWithOriginalIndexes() {
    UpdateApplier.Applied applied =
        apply(
            "{'n':'x'}",
            UpdateOp.set("a", j("1")),
            UpdateOp.increment("n", 1),
            UpdateOp.set("__proto__", j("1")),
            UpdateOp.set("b", j("2")));

    assertThat(applied.newValue()).isEqualTo(j("{'n':'x','a':1,'b':2}"));
    assertThat(applied.errors())
        .extracting(UpdateOpError::opIndex, UpdateOpError::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "increment.not_number"),
            org.assertj.core.groups.Tuple.tuple(2, "set.path.proto_polluted"));
  }

  // ------------------------------------------------------------------ limits

  @Nested
  class Limits {
    @Test
    void pathOf32SegmentsIsAcceptedAnd33Rejected() {
      JsonNode merged = value("{}", UpdateOp.merge(segments(32), j("{'x':1}")));
      JsonNode node = merged;
      for (String segment : segments(32)) {
        node = node.get(segment);
      }
      assertThat(node).isEqualTo(j("{'x':1}"));

      assertThat(apply("{}", UpdateOp.append(segments(32), j("1"))).errors()).isEmpty();
      assertThat(apply("{}", UpdateOp.append(segments(33), j("1"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("append.path.too_deep");
    }

    @Test
    void segmentOf256BytesIsAcceptedAnd257Rejected() {
      String ok = "a".repeat(256);
      assertThat(value("{}", UpdateOp.set(ok, j("1"))).has(ok)).isTrue();
      assertThat(apply("{}", UpdateOp.set(ok + "a", j("1"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("set.path.segment_too_long");
    }

    @Test
    void segmentLengthIsCountedInUtf8Bytes() {
      String twoByte = "é".repeat(128); // 128 chars, 256 bytes
      String threeByte = "€".repeat(86); // 86 chars, 258 bytes
      String fourByte = "😀".repeat(64); // 128 chars, 256 bytes
      assertThat(apply("{}", UpdateOp.merge(path(twoByte), j("{}"))).errors()).isEmpty();
      assertThat(apply("{}", UpdateOp.merge(path(fourByte), j("{}"))).errors()).isEmpty();
      assertThat(apply("{}", UpdateOp.merge(path(twoByte + "a"), j("{}"))).errors())
          .extracting(UpdateOpError::message)
          .containsExactly("Path segment of 257 bytes exceeds maximum of 256");
      assertThat(apply("{}", UpdateOp.remove(threeByte)).errors())
          .extracting(UpdateOpError::message)
          .containsExactly("Path segment of 258 bytes exceeds maximum of 256");
      assertThat(apply("{}", UpdateOp.increment(fourByte + "a", 1)).errors())
          .extracting(UpdateOpError::message)
          .containsExactly("Path segment of 257 bytes exceeds maximum of 256");
    }

    @Test
    void pathChecksRunInOrderFirstFailureWins() {
      List<String> tooDeepAndBad = new ArrayList<>(segments(33));
      tooDeepAndBad.set(0, "");
      assertThat(apply("{}", UpdateOp.merge(tooDeepAndBad, j("{}"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.path.too_deep");
      assertThat(apply("{}", UpdateOp.merge(path("__proto__", ""), j("{}"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.path.proto_polluted");
      assertThat(apply("{}", UpdateOp.merge(path(LONG_257, "__proto__"), j("{}"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.path.segment_too_long");
      // The path is checked before the value.
      assertThat(apply("{}", UpdateOp.merge(path("", "a"), j("'x'"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.path.empty_segment");
    }

    @Test
    void mergeOf1024KeysIsAcceptedAnd1025Rejected() {
      assertThat(value("{}", UpdateOp.merge(path(), objectWithKeys(1024))).size()).isEqualTo(1024);
      assertThat(apply("{}", UpdateOp.merge(path(), objectWithKeys(1025))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.value.too_many_keys");
    }

    @Test
    void mergeValueDepth16IsAcceptedAnd17Rejected() {
      assertThat(apply("{}", UpdateOp.merge(path("x"), nested(16))).errors()).isEmpty();
      assertThat(apply("{}", UpdateOp.merge(path("x"), nested(17))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.value.too_deep");
    }

    @Test
    void mergeValueDepthCountsArraysAndNotScalars() {
      // {"a":[[ ... 15 arrays ... [1] ]]}: object 1 + 15 arrays = 16, the scalar counts 0.
      String ok = "{'a':" + "[".repeat(15) + "1" + "]".repeat(15) + "}";
      String deep = "{'a':" + "[".repeat(16) + "1" + "]".repeat(16) + "}";
      assertThat(apply("{}", UpdateOp.merge(path(), j(ok))).errors()).isEmpty();
      assertThat(apply("{}", UpdateOp.merge(path(), j(deep))).errors())
          .extracting(UpdateOpError::message)
          .containsExactly("Merge value JSON nesting depth 17 exceeds maximum of 16");
    }

    @Test
    void nestedProtoKeysInsideTheMergeValueAreAllowed() {
      assertThat(value("{}", UpdateOp.merge(path(), j("{'a':{'__proto__':1}}"))))
          .isEqualTo(j("{'a':{'__proto__':1}}"));
    }

    @Test
    void mergeValueChecksRunInOrder() {
      ObjectNode manyWithProto = (ObjectNode) objectWithKeys(1025);
      manyWithProto.put("__proto__", 1);
      assertThat(apply("{}", UpdateOp.merge(path(), manyWithProto)).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.value.too_many_keys");
      ObjectNode deepWithProto = (ObjectNode) nested(17);
      deepWithProto.put("constructor", 1);
      assertThat(apply("{}", UpdateOp.merge(path(), deepWithProto)).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("merge.value.proto_polluted");
    }
  }

  // ------------------------------------------------------------------ arithmetic

  @Nested
  class Arithmetic {
    @Test
    void incrementOverflowFallsBackToUnsigned() {
      JsonNode result = value("{'n':9223372036854775807}", UpdateOp.increment("n", 1));
      assertThat(result.get("n")).isInstanceOf(BigIntegerNode.class);
      assertThat(result).isEqualTo(j("{'n':9223372036854775808}"));
    }

    @Test
    void unsignedValuesStayExactAndShrinkBackToLong() {
      assertThat(value("{'n':18446744073709551614}", UpdateOp.increment("n", 1)))
          .isEqualTo(j("{'n':18446744073709551615}"));
      assertThat(value("{'n':9223372036854775808}", UpdateOp.decrement("n", 1)))
          .isEqualTo(j("{'n':9223372036854775807}"));
      assertThat(value("{'n':9223372036854775808}", UpdateOp.increment("n", Long.MIN_VALUE)))
          .isEqualTo(j("{'n':0}"));
    }

    @Test
    void beyondUnsignedMaxIsNotANumber() {
      UpdateApplier.Applied applied =
          apply("{'n':18446744073709551615}", UpdateOp.increment("n", 1));
      assertThat(applied.errors())
          .containsExactly(
              new UpdateOpError(
                  0, "increment.not_number", "Expected number at path 'n', got number."));
      assertThat(applied.newValue()).isEqualTo(j("{'n':18446744073709551615}"));
    }

    @Test
    void belowSignedMinIsNotANumber() {
      assertThat(apply("{'n':-9223372036854775808}", UpdateOp.increment("n", -1)).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("increment.not_number");
      assertThat(apply("{'n':-9223372036854775808}", UpdateOp.decrement("n", 1)).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("decrement.not_number");
      assertThat(value("{'n':-9223372036854775807}", UpdateOp.decrement("n", 1)))
          .isEqualTo(j("{'n':-9223372036854775808}"));
    }

    @Test
    void decrementByLongMinIsExact() {
      assertThat(value("{}", UpdateOp.decrement("n", Long.MIN_VALUE)))
          .isEqualTo(j("{'n':9223372036854775808}"));
      assertThat(value("{'n':0}", UpdateOp.decrement("n", Long.MIN_VALUE)))
          .isEqualTo(j("{'n':9223372036854775808}"));
      assertThat(value("{'n':-1}", UpdateOp.decrement("n", Long.MIN_VALUE)))
          .isEqualTo(j("{'n':9223372036854775807}"));
      assertThat(value(null, UpdateOp.decrement("", Long.MIN_VALUE)))
          .isEqualTo(j("9223372036854775808"));
    }

    @Test
    void resultsUseTheNodeTypesOfParsedJson() {
      assertThat(value("{'n':2147483647}", UpdateOp.increment("n", 1)))
          .isEqualTo(j("{'n':2147483648}"));
      assertThat(value("{'n':2147483648}", UpdateOp.decrement("n", 1)))
          .isEqualTo(j("{'n':2147483647}"));
      assertThat(value("{}", UpdateOp.increment("n", 5))).isEqualTo(j("{'n':5}"));
      assertThat(value("{}", UpdateOp.increment("n", 5_000_000_000L)))
          .isEqualTo(j("{'n':5000000000}"));
    }

    @Test
    void floatsAddAsDoubles() {
      assertThat(value("{'n':1.5}", UpdateOp.increment("n", 2), UpdateOp.decrement("n", 1)))
          .isEqualTo(j("{'n':2.5}"));
      assertThat(value("{'n':-0.25}", UpdateOp.increment("n", 1))).isEqualTo(j("{'n':0.75}"));
      assertThat(value("{'n':2.0}", UpdateOp.increment("n", 0))).isEqualTo(j("{'n':2.0}"));
    }

    @Test
    void byZeroStillTypeChecks() {
      assertThat(apply("{'n':'x'}", UpdateOp.increment("n", 0)).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("increment.not_number");
    }

    @Test
    void integersBeyondSixtyFourBitsElsewhereSurviveUntouched() {
      String doc = "{'big':123456789012345678901234567890,'f':0.1,'n':1}";
      JsonNode result = value(doc, UpdateOp.increment("n", 1), UpdateOp.set("s", j("'x'")));
      assertThat(result.get("big").bigIntegerValue())
          .isEqualTo(new BigInteger("123456789012345678901234567890"));
      assertThat(result)
          .isEqualTo(j("{'big':123456789012345678901234567890,'f':0.1,'n':2,'s':'x'}"));
    }

    @Test
    void incrementingAnIntegerBeyondUnsignedRangeIsNotANumber() {
      assertThat(
              apply("{'big':123456789012345678901234567890}", UpdateOp.increment("big", 1))
                  .errors())
          .extracting(UpdateOpError::code)
          .containsExactly("increment.not_number");
    }
  }

  // ------------------------------------------------------------------ missing default flag

  @Nested
  class MissingDefault {
    @Test
    void rootIncrementOrDecrementOfAMissingItemStartsFromBy() {
      assertThat(value(null, UpdateOp.increment("", 5))).isEqualTo(j("5"));
      assertThat(value(null, UpdateOp.decrement("", 5))).isEqualTo(j("-5"));
      assertThat(value(null, UpdateOp.increment("", 5), UpdateOp.increment("", 2)))
          .isEqualTo(j("7"));
    }

    @Test
    void failedOpsDoNotClearTheFlag() {
      UpdateApplier.Applied applied =
          apply(null, UpdateOp.set("__proto__", j("1")), UpdateOp.increment("", 3));
      assertThat(applied.newValue()).isEqualTo(j("3"));
      assertThat(applied.errors()).hasSize(1);
    }

    @Test
    void anySuccessfulOpClearsTheFlag() {
      for (UpdateOp first :
          List.of(
              UpdateOp.set("a", j("1")),
              UpdateOp.remove("missing"),
              UpdateOp.merge(path(), j("{}")),
              UpdateOp.merge(path("a"), j("{}")),
              UpdateOp.increment("a", 1),
              UpdateOp.append(path("a"), j("1")))) {
        UpdateApplier.Applied applied = apply(null, first, UpdateOp.increment("", 1));
        assertThat(applied.errors())
            .as("after %s", first)
            .extracting(UpdateOpError::code)
            .containsExactly("increment.not_number");
      }
    }

    @Test
    void existingObjectRootIsNotANumber() {
      assertThat(apply("{}", UpdateOp.increment("", 1)).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("increment.not_number");
      assertThat(apply("null", UpdateOp.decrement("", 1)).errors())
          .extracting(UpdateOpError::message)
          .containsExactly("Expected number at path 'root', got null.");
    }

    @Test
    void rootAppendOfAMissingItemStartsFromNull() {
      assertThat(value(null, UpdateOp.append(path(), j("'a'")), UpdateOp.append(path(), j("'b'"))))
          .isEqualTo(j("'ab'"));
      assertThat(
              value(null, UpdateOp.append(path(), j("{'k':1}")), UpdateOp.append(path(), j("2"))))
          .isEqualTo(j("[{'k':1},2]"));
    }

    @Test
    void rootAppendOfAnExistingItemUsesTheLeafRules() {
      assertThat(apply("{}", UpdateOp.append(path(), j("'x'"))).errors())
          .extracting(UpdateOpError::code)
          .containsExactly("append.type_mismatch");
      assertThat(value("null", UpdateOp.append(path(), j("'x'")))).isEqualTo(j("'x'"));
      assertThat(value("[]", UpdateOp.append(path(), j("'x'")))).isEqualTo(j("['x']"));
      assertThat(value("'ab'", UpdateOp.append(path(), j("'c'")))).isEqualTo(j("'abc'"));
    }

    @Test
    void emptyOpsOnAMissingItemGiveAnEmptyObject() {
      assertThat(value(null)).isEqualTo(j("{}"));
    }
  }

  // ------------------------------------------------------------------ append leaf matrix

  static Stream<Arguments> appendLeafMatrix() {
    return Stream.of(
        // target, value, single-segment result, nested result (null = type mismatch)
        Arguments.of("[1]", "'x'", "[1,'x']", "[1,'x']"),
        Arguments.of("[1]", "[2,3]", "[1,[2,3]]", "[1,[2,3]]"),
        Arguments.of("'ab'", "'c'", "'abc'", "'abc'"),
        Arguments.of("'ab'", "1", null, null),
        Arguments.of("null", "'x'", "'x'", "'x'"),
        Arguments.of("null", "{'k':1}", "[{'k':1}]", "[{'k':1}]"),
        Arguments.of(null, "'x'", "'x'", "['x']"),
        Arguments.of(null, "[1]", "[[1]]", "[[1]]"),
        Arguments.of("{}", "'x'", null, null),
        Arguments.of("{'a':1}", "{'b':2}", null, null),
        Arguments.of("7", "'x'", null, null),
        Arguments.of("false", "[1]", null, null));
  }

  @ParameterizedTest(name = "target {0} + value {1}")
  @MethodSource("appendLeafMatrix")
  void appendFollowsTheLeafRules(String target, String item, String single, String nested) {
    String doc = target == null ? "{'other':0}" : "{'other':0,'leaf':" + target + "}";
    String nestedDoc = target == null ? "{'p':{}}" : "{'p':{'leaf':" + target + "}}";

    UpdateApplier.Applied one = apply(doc, UpdateOp.append(path("leaf"), j(item)));
    UpdateApplier.Applied two = apply(nestedDoc, UpdateOp.append(path("p", "leaf"), j(item)));

    if (single == null) {
      assertThat(one.errors())
          .extracting(UpdateOpError::code)
          .containsExactly("append.type_mismatch");
      assertThat(one.newValue()).isEqualTo(j(doc));
    } else {
      assertThat(one.errors()).isEmpty();
      assertThat(one.newValue()).isEqualTo(j("{'other':0,'leaf':" + single + "}"));
    }
    if (nested == null) {
      assertThat(two.errors())
          .extracting(UpdateOpError::code)
          .containsExactly("append.type_mismatch");
      assertThat(two.newValue()).isEqualTo(j(nestedDoc));
    } else {
      assertThat(two.errors()).isEmpty();
      assertThat(two.newValue()).isEqualTo(j("{'p':{'leaf':" + nested + "}}"));
    }
  }

  @Test
  void nestedAppendReplacesNonObjectIntermediates() {
    assertThat(value("{'a':[1,2,3]}", UpdateOp.append(path("a", "b"), j("42"))))
        .isEqualTo(j("{'a':{'b':[42]}}"));
    assertThat(value("{'a':{'b':'s'}}", UpdateOp.append(path("a", "b", "c"), j("'x'"))))
        .isEqualTo(j("{'a':{'b':{'c':['x']}}}"));
  }

  @Test
  void nestedAppendDoesNotReplaceANonObjectRoot() {
    UpdateApplier.Applied applied = apply("'leaf'", UpdateOp.append(path("a", "b"), j("1")));
    assertThat(applied.newValue()).isEqualTo(j("'leaf'"));
    assertThat(applied.errors())
        .extracting(UpdateOpError::code)
        .containsExactly("append.target_not_object");
  }

  // ------------------------------------------------------------------ set / merge / remove

  @Test
  void setRootReplacesAnyValueAndAFieldNeedsAnObject() {
    assertThat(value("'x'", UpdateOp.set("", j("{'a':1}")))).isEqualTo(j("{'a':1}"));
    assertThat(value("{'a':1}", UpdateOp.set("", null))).isEqualTo(j("null"));
    assertThat(value(null, UpdateOp.set("x", j("1")))).isEqualTo(j("{'x':1}"));
    assertThat(value("{'a':1}", UpdateOp.set("a", null))).isEqualTo(j("{'a':null}"));
  }

  @Test
  void nestedMergeReplacesANonObjectRoot() {
    assertThat(value("'leaf'", UpdateOp.merge(path("a"), j("{'x':1}"))))
        .isEqualTo(j("{'a':{'x':1}}"));
    assertThat(value("[1,2]", UpdateOp.merge(path("a", "b"), j("{}"))))
        .isEqualTo(j("{'a':{'b':{}}}"));
  }

  @Test
  void rootMergeIntoANonObjectIsASilentNoOp() {
    UpdateApplier.Applied applied = apply("[1]", UpdateOp.merge(path(), j("{'a':1}")));
    assertThat(applied.errors()).isEmpty();
    assertThat(applied.newValue()).isEqualTo(j("[1]"));
  }

  @Test
  void removeRootGivesNullAndAMissingKeyIsANoOp() {
    assertThat(value("{'a':1}", UpdateOp.remove(""))).isEqualTo(j("null"));
    assertThat(value("{'a':1}", UpdateOp.remove("b"))).isEqualTo(j("{'a':1}"));
    assertThat(value("{'a':1,'b':2}", UpdateOp.remove("a"))).isEqualTo(j("{'b':2}"));
  }

  @Test
  void dotsAreNeverSeparators() {
    assertThat(value("{'a':{'b':1}}", UpdateOp.set("a.b", j("2"))))
        .isEqualTo(j("{'a':{'b':1},'a.b':2}"));
    assertThat(value("{'a':{'b':1}}", UpdateOp.increment("a.b", 1)))
        .isEqualTo(j("{'a':{'b':1},'a.b':1}"));
  }

  // ------------------------------------------------------------------ sharing and immutability

  static List<UpdateOp> busyOps() {
    return List.of(
        UpdateOp.increment("count", 1),
        UpdateOp.set("title", j("'new'")),
        UpdateOp.merge(path("meta", "tags"), j("{'x':true}")),
        UpdateOp.append(path("events"), j("{'kind':'chunk'}")),
        UpdateOp.append(path("meta", "log"), j("'line'")),
        UpdateOp.append(path("text"), j("' world'")),
        UpdateOp.remove("gone"),
        UpdateOp.set("obj", j("{'inner':[1]}")),
        UpdateOp.merge(path("obj"), j("{'more':2}")),
        UpdateOp.append(path("obj", "inner"), j("2")),
        UpdateOp.decrement("count", 3));
  }

  static final String BUSY_DOC =
      "{'count':1,'title':'old','gone':1,'text':'hello','events':[{'kind':'start'}],"
          + "'meta':{'tags':{'a':1},'log':['l0']},'untouched':{'deep':[1,2,{'x':'y'}]}}";

  @Test
  void currentIsNeverModified() {
    JsonNode current = j(BUSY_DOC);
    JsonNode before = current.deepCopy();

    UpdateApplier.Applied applied = UpdateApplier.apply(current, busyOps());

    assertThat(current).isEqualTo(before);
    assertThat(applied.newValue())
        .isEqualTo(
            j(
                "{'count':-1,'title':'new','text':'hello world',"
                    + "'events':[{'kind':'start'},{'kind':'chunk'}],"
                    + "'meta':{'tags':{'a':1,'x':true},'log':['l0','line']},"
                    + "'untouched':{'deep':[1,2,{'x':'y'}]},"
                    + "'obj':{'inner':[1,2],'more':2}}"));
  }

  @Test
  void untouchedSubtreesAreSharedNotCopied() {
    JsonNode current = j(BUSY_DOC);

    JsonNode result = UpdateApplier.apply(current, busyOps()).newValue();

    assertThat(result.get("untouched")).isSameAs(current.get("untouched"));
    assertThat(result).isNotSameAs(current);
  }

  @Test
  void applyingTheSameOpsTwiceGivesEqualResultsAndLeavesOpValuesIntact() {
    List<UpdateOp> ops = busyOps();
    List<JsonNode> opsBefore = new ArrayList<>();
    for (UpdateOp op : ops) {
      opsBefore.add(UpdateOpCodec.encode(op).deepCopy());
    }
    JsonNode current = j(BUSY_DOC);

    JsonNode first = UpdateApplier.apply(current, ops).newValue();
    JsonNode firstCopy = first.deepCopy();
    JsonNode second = UpdateApplier.apply(current, ops).newValue();
    // A stored result becomes the next input: it must not change either.
    UpdateApplier.apply(first, ops);

    assertThat(second).isEqualTo(first);
    assertThat(first).isEqualTo(firstCopy);
    for (int i = 0; i < ops.size(); i++) {
      assertThat(UpdateOpCodec.encode(ops.get(i))).isEqualTo(opsBefore.get(i));
    }
  }

  @Test
  void manyTouchedContainersInOneCallStayCopyOnWrite() {
    ObjectNode current = Json.object();
    for (int i = 0; i < 40; i++) {
      current.set("k" + i, j("{'list':[0],'o':{'v':0}}"));
    }
    JsonNode before = current.deepCopy();
    List<UpdateOp> ops = new ArrayList<>();
    for (int round = 1; round <= 2; round++) {
      for (int i = 0; i < 40; i++) {
        ops.add(UpdateOp.append(path("k" + i, "list"), j(String.valueOf(round))));
        ops.add(UpdateOp.merge(path("k" + i, "o"), j("{'v':" + round + "}")));
      }
    }

    JsonNode result = UpdateApplier.apply(current, ops).newValue();

    assertThat(current).isEqualTo(before);
    for (int i = 0; i < 40; i++) {
      assertThat(result.get("k" + i)).isEqualTo(j("{'list':[0,1,2],'o':{'v':2}}"));
    }
  }

  @Test
  void appendToARootArrayCopiesItOnce() {
    JsonNode current = j("[0]");
    JsonNode result =
        UpdateApplier.apply(current, Collections.nCopies(3, UpdateOp.append(path(), j("1"))))
            .newValue();
    assertThat(result).isEqualTo(j("[0,1,1,1]"));
    assertThat(current).isEqualTo(j("[0]"));
  }
}
