package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.internal.Json;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpdateOpCodecTest {

  static JsonNode j(String json) {
    return UpdateApplierTest.j(json);
  }

  static UpdateOp decode(String json) {
    return UpdateOpCodec.decode(j(json));
  }

  static void assertRejected(String json, String detail) {
    assertThatThrownBy(() -> decode(json))
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.DESERIALIZATION_ERROR))
        .hasMessage(detail);
  }

  // ------------------------------------------------------------------ decoding

  @Test
  void decodesEveryWireForm() {
    assertThat(decode("{'type':'set','path':'a','value':{'x':1}}"))
        .isEqualTo(UpdateOp.set("a", j("{'x':1}")));
    assertThat(decode("{'type':'merge','path':['a','b'],'value':{'x':1}}"))
        .isEqualTo(UpdateOp.merge(List.of("a", "b"), j("{'x':1}")));
    assertThat(decode("{'type':'increment','path':'n','by':-3}"))
        .isEqualTo(UpdateOp.increment("n", -3));
    assertThat(decode("{'type':'decrement','path':'','by':9223372036854775807}"))
        .isEqualTo(UpdateOp.decrement("", Long.MAX_VALUE));
    assertThat(decode("{'type':'decrement','path':'n','by':-9223372036854775808}"))
        .isEqualTo(UpdateOp.decrement("n", Long.MIN_VALUE));
    assertThat(decode("{'type':'append','path':'events','value':[1]}"))
        .isEqualTo(UpdateOp.append(List.of("events"), j("[1]")));
    assertThat(decode("{'type':'remove','path':'gone'}")).isEqualTo(UpdateOp.remove("gone"));
  }

  @Test
  void setValueMayBeAbsentOrNull() {
    assertThat(((UpdateOp.Set) decode("{'type':'set','path':''}")).value())
        .isEqualTo(NullNode.getInstance());
    assertThat(((UpdateOp.Set) decode("{'type':'set','path':'a','value':null}")).value())
        .isEqualTo(NullNode.getInstance());
  }

  @Test
  void mergeAndAppendValueMayBeNullButNotAbsent() {
    assertThat(((UpdateOp.Merge) decode("{'type':'merge','value':null}")).value())
        .isEqualTo(NullNode.getInstance());
    assertRejected("{'type':'merge','path':'a'}", "missing field `value`");
    assertRejected("{'type':'append','path':'a'}", "missing field `value`");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'type':'merge','value':{}}",
        "{'type':'merge','path':null,'value':{}}",
        "{'type':'merge','path':'','value':{}}",
        "{'type':'merge','path':[],'value':{}}"
      })
  void absentNullEmptyStringAndEmptyArrayPathsMeanTheRoot(String json) {
    assertThat(((UpdateOp.Merge) decode(json)).path()).isEmpty();
    String append = json.replace("merge", "append");
    assertThat(((UpdateOp.Append) decode(append)).path()).isEmpty();
  }

  @Test
  void dottedStringPathIsOneLiteralSegment() {
    assertThat(((UpdateOp.Merge) decode("{'type':'merge','path':'a.b','value':{}}")).path())
        .containsExactly("a.b");
    assertThat(((UpdateOp.Append) decode("{'type':'append','path':['a.b'],'value':1}")).path())
        .containsExactly("a.b");
  }

  @Test
  void emptySegmentsInsideAnArrayPathAreKeptForTheApplierToReject() {
    assertThat(((UpdateOp.Merge) decode("{'type':'merge','path':[''],'value':{}}")).path())
        .containsExactly("");
    assertThat(((UpdateOp.Merge) decode("{'type':'merge','path':['a',''],'value':{}}")).path())
        .containsExactly("a", "");
  }

  @Test
  void unknownExtraFieldsAreIgnored() {
    assertThat(decode("{'type':'remove','path':'a','extra':[1],'by':'x'}"))
        .isEqualTo(UpdateOp.remove("a"));
  }

  // ------------------------------------------------------------------ rejections

  @Test
  void missingTypeIsRejected() {
    assertRejected("{'path':'a'}", "missing field `type`");
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo", "SET", "Set", "merge_at", ""})
  void unknownOrWronglyCasedTypeIsRejected(String type) {
    assertRejected(
        "{'type':'" + type + "','path':'a'}",
        "unknown variant `"
            + type
            + "`, expected one of `set`, `merge`, `increment`, `decrement`, `append`, `remove`");
  }

  @Test
  void nonStringTypeIsRejected() {
    assertRejected(
        "{'type':1,'path':'a'}", "invalid type: integer `1`, expected variant identifier");
  }

  @ParameterizedTest
  @ValueSource(strings = {"set", "increment", "decrement", "remove"})
  void arrayPathOfAFieldOpIsRejected(String type) {
    assertRejected(
        "{'type':'" + type + "','path':['a'],'by':1,'value':1}",
        "invalid type: sequence, expected a string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"set", "increment", "decrement", "remove"})
  void missingOrNullPathOfAFieldOpIsRejected(String type) {
    assertRejected("{'type':'" + type + "','by':1,'value':1}", "missing field `path`");
    assertRejected(
        "{'type':'" + type + "','path':null,'by':1,'value':1}",
        "invalid type: null, expected a string");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "1.0                  | invalid type: floating point `1.0`, expected i64",
        "1.5                  | invalid type: floating point `1.5`, expected i64",
        "'1'                  | invalid type: string \"1\", expected i64",
        "null                 | invalid type: null, expected i64",
        "true                 | invalid type: boolean `true`, expected i64",
        "9223372036854775808  | invalid value: integer `9223372036854775808`, expected i64",
        "-9223372036854775809 | invalid value: integer `-9223372036854775809`, expected i64"
      })
  void nonIntegerOrOutOfRangeByIsRejected(String by, String detail) {
    assertRejected("{'type':'increment','path':'n','by':" + by + "}", detail);
    assertRejected("{'type':'decrement','path':'n','by':" + by + "}", detail);
  }

  @Test
  void missingByIsRejected() {
    assertRejected("{'type':'increment','path':'n'}", "missing field `by`");
  }

  @ParameterizedTest
  @ValueSource(strings = {"['a',1]", "['a',null]", "[['a']]", "5", "true", "{'a':1}"})
  void invalidMergePathIsRejected(String path) {
    assertRejected(
        "{'type':'merge','path':" + path + ",'value':{}}",
        "data did not match any variant of untagged enum MergePath");
    assertRejected(
        "{'type':'append','path':" + path + ",'value':1}",
        "data did not match any variant of untagged enum MergePath");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "'set'   | invalid type: string \"set\", expected internally tagged enum UpdateOp",
        "[1]     | invalid type: sequence, expected internally tagged enum UpdateOp",
        "null    | invalid type: null, expected internally tagged enum UpdateOp",
        "3       | invalid type: integer `3`, expected internally tagged enum UpdateOp"
      })
  void nonObjectOpIsRejected(String op, String detail) {
    assertRejected(op, detail);
  }

  @Test
  void opsMustBeAnArray() {
    assertThatThrownBy(() -> UpdateOpCodec.decodeList(j("{'type':'remove','path':'a'}")))
        .isInstanceOf(StreamException.class)
        .hasMessage("invalid type: map, expected a sequence");
    assertThatThrownBy(() -> UpdateOpCodec.decodeList(null))
        .isInstanceOf(StreamException.class)
        .hasMessage("invalid type: null, expected a sequence");
  }

  @Test
  void oneBadOpRejectsTheWholeList() {
    assertThatThrownBy(
            () ->
                UpdateOpCodec.decodeList(
                    j("[{'type':'remove','path':'a'},{'type':'increment','path':'n','by':1.5}]")))
        .isInstanceOfSatisfying(
            StreamException.class,
            e -> assertThat(e.code()).isEqualTo(StreamException.DESERIALIZATION_ERROR));
  }

  @Test
  void decodeListKeepsOrder() {
    assertThat(
            UpdateOpCodec.decodeList(j("[{'type':'remove','path':'a'},{'type':'set','path':'b'}]")))
        .containsExactly(UpdateOp.remove("a"), UpdateOp.set("b", null));
    assertThat(UpdateOpCodec.decodeList(j("[]"))).isEmpty();
  }

  // ------------------------------------------------------------------ encoding

  @Test
  void encodesTheWireForm() {
    assertThat(UpdateOpCodec.encode(UpdateOp.increment("n", 5)))
        .isEqualTo(j("{'type':'increment','path':'n','by':5}"));
    assertThat(UpdateOpCodec.encode(UpdateOp.set("", null)))
        .isEqualTo(j("{'type':'set','path':'','value':null}"));
    assertThat(UpdateOpCodec.encode(UpdateOp.remove("x")))
        .isEqualTo(j("{'type':'remove','path':'x'}"));
  }

  @Test
  void rootMergeAndAppendOmitThePathOthersUseAnArray() {
    assertThat(UpdateOpCodec.encode(UpdateOp.merge(List.of(), j("{'a':1}"))))
        .isEqualTo(j("{'type':'merge','value':{'a':1}}"));
    assertThat(UpdateOpCodec.encode(UpdateOp.append(List.of(), j("'x'"))))
        .isEqualTo(j("{'type':'append','value':'x'}"));
    assertThat(UpdateOpCodec.encode(UpdateOp.append(List.of("a"), j("'x'"))))
        .isEqualTo(j("{'type':'append','path':['a'],'value':'x'}"));
    assertThat(UpdateOpCodec.encode(UpdateOp.merge(List.of(""), j("{}"))))
        .isEqualTo(j("{'type':'merge','path':[''],'value':{}}"));
  }

  @Property(tries = 500)
  void encodeThenDecodeRoundTrips(@ForAll("ops") UpdateOp op) {
    assertThat(UpdateOpCodec.decode(UpdateOpCodec.encode(op))).isEqualTo(op);
    // Also through JSON text, as on the wire.
    JsonNode wire = Json.parse(Json.text(UpdateOpCodec.encode(op)));
    assertThat(UpdateOpCodec.decode(wire)).isEqualTo(op);
  }

  @Provide
  Arbitrary<UpdateOp> ops() {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.of("", "a", "a.b", "__proto__", "é€😀"),
            Arbitraries.strings().ofMaxLength(6));
    Arbitrary<List<String>> paths = keys.list().ofMaxSize(4);
    Arbitrary<JsonNode> values = values();
    Arbitrary<Long> by =
        Arbitraries.oneOf(
            Arbitraries.longs(), Arbitraries.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L));
    return Arbitraries.oneOf(
        Combinators.combine(keys, values).as(UpdateOp::set),
        Combinators.combine(paths, values).as(UpdateOp::merge),
        Combinators.combine(keys, by).as(UpdateOp::increment),
        Combinators.combine(keys, by).as(UpdateOp::decrement),
        Combinators.combine(paths, values).as(UpdateOp::append),
        keys.map(UpdateOp::remove));
  }

  /** JSON values built with the node classes Jackson's parser produces. */
  private static Arbitrary<JsonNode> values() {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.just(NullNode.getInstance()),
            Arbitraries.of(true, false).map(BooleanNode::valueOf),
            Arbitraries.longs().map(UpdateNumbers::of),
            Arbitraries.doubles().map(DoubleNode::valueOf),
            Arbitraries.strings().ofMaxLength(8).map(TextNode::valueOf));
    Arbitrary<JsonNode> objects =
        Arbitraries.maps(Arbitraries.strings().ofMaxLength(4), scalars)
            .ofMaxSize(3)
            .map(
                map -> {
                  ObjectNode node = Json.object();
                  map.forEach(node::set);
                  return node;
                });
    Arbitrary<JsonNode> arrays = scalars.list().ofMaxSize(3).map(list -> Json.array().addAll(list));
    return Arbitraries.oneOf(scalars, objects, arrays);
  }
}
