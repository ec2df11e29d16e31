package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The eight {@code stream::*} functions through {@link StreamEngine#invoke} (SPEC §3). */
class StreamFunctionsTest {
  private final StreamEngine engine = StreamEngine.builder().build();

  @AfterEach
  void close() {
    engine.close();
  }

  private JsonNode call(String function, String input) {
    return engine.invoke(function, json(input));
  }

  private static String item(String id) {
    return "{'stream_name':'s','group_id':'g','item_id':'" + id + "'}";
  }

  @Test
  void setReturnsOldAndNewValue() {
    assertThat(
            call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':{'a':1}}"))
        .isEqualTo(json("{'old_value':null,'new_value':{'a':1},'version':1}"));
    assertThat(
            call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':{'a':2}}"))
        .isEqualTo(json("{'old_value':{'a':1},'new_value':{'a':2},'version':2}"));
  }

  @Test
  void setAcceptsNullDataAndGetReturnsNullNodeForIt() {
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':null}");
    assertThat(call("stream::get", item("i"))).isEqualTo(NullNode.getInstance());
  }

  @Test
  void getReturnsTheBareValueOrJavaNull() {
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':[1,{}]}");
    assertThat(call("stream::get", item("i"))).isEqualTo(json("[1,{}]"));
    assertThat(call("stream::get", item("missing"))).isNull();
    assertThat(call("stream::get", "{'stream_name':'x','group_id':'y','item_id':'z'}")).isNull();
  }

  @Test
  void deleteReturnsOldValueAndMissingDeleteReturnsNull() {
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':'v'}");
    assertThat(call("stream::delete", item("i"))).isEqualTo(json("{'old_value':'v','version':2}"));
    assertThat(call("stream::delete", item("i"))).isEqualTo(json("{'old_value':null,'version':0}"));
    assertThat(call("stream::get", item("i"))).isNull();
  }

  @Test
  void listIsABareArrayInCreationOrder() {
    for (String id : List.of("c", "a", "b")) {
      call(
          "stream::set",
          "{'stream_name':'s','group_id':'g','item_id':'" + id + "','data':'" + id + "'}");
    }
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'a','data':'a2'}");
    call("stream::delete", item("c"));
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'c','data':'c2'}");
    assertThat(call("stream::list", "{'stream_name':'s','group_id':'g'}"))
        .isEqualTo(json("['a2','b','c2']"));
    assertThat(call("stream::list", "{'stream_name':'s','group_id':'none'}")).isEqualTo(json("[]"));
  }

  @Test
  void listGroupsIsSortedAndDropsEmptiedGroups() {
    for (String g : List.of("beta", "alpha", "gone")) {
      call("stream::set", "{'stream_name':'orders','group_id':'" + g + "','item_id':'1','data':1}");
    }
    call("stream::delete", "{'stream_name':'orders','group_id':'gone','item_id':'1'}");
    assertThat(call("stream::list_groups", "{'stream_name':'orders'}"))
        .isEqualTo(json("['alpha','beta']"));
    assertThat(call("stream::list_groups", "{'stream_name':'none'}")).isEqualTo(json("[]"));
  }

  @Test
  void listAllHasSortedStreamsAndGroupsAndACount() {
    call("stream::set", "{'stream_name':'users','group_id':'default','item_id':'1','data':1}");
    call("stream::set", "{'stream_name':'orders','group_id':'beta','item_id':'1','data':1}");
    call("stream::set", "{'stream_name':'orders','group_id':'alpha','item_id':'1','data':1}");
    assertThat(call("stream::list_all", "{'ignored':true}"))
        .isEqualTo(
            json(
                "{'stream':[{'id':'orders','groups':['alpha','beta']},"
                    + "{'id':'users','groups':['default']}],'count':2}"));
  }

  @Test
  void listAllOfAnEmptyStoreIsEmpty() {
    assertThat(call("stream::list_all", "{}")).isEqualTo(json("{'stream':[],'count':0}"));
  }

  @Test
  void sendReturnsJsonNullAndStoresNothing() {
    assertThat(
            call(
                "stream::send",
                "{'stream_name':'s','group_id':'g','type':'custom','data':{'n':1},'id':'i'}"))
        .isEqualTo(NullNode.getInstance());
    assertThat(call("stream::list", "{'stream_name':'s','group_id':'g'}")).isEqualTo(json("[]"));
    assertThat(call("stream::list_groups", "{'stream_name':'s'}")).isEqualTo(json("[]"));
  }

  @Test
  void updateReturnsOldNewAndOmitsEmptyErrors() {
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':{'count':1}}");
    assertThat(
            call(
                "stream::update",
                "{'stream_name':'s','group_id':'g','item_id':'i',"
                    + "'ops':[{'type':'increment','path':'count','by':2}]}"))
        .isEqualTo(json("{'old_value':{'count':1},'new_value':{'count':3},'version':2}"));
  }

  @Test
  void updateReportsFailedOpsAndStillWrites() {
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':{'s':'x'}}");
    JsonNode result =
        call(
            "stream::update",
            "{'stream_name':'s','group_id':'g','item_id':'i','ops':["
                + "{'type':'increment','path':'s','by':1},{'type':'set','path':'ok','value':true}]}");
    assertThat(result.get("new_value")).isEqualTo(json("{'s':'x','ok':true}"));
    assertThat(result.get("errors")).hasSize(1);
    JsonNode error = result.get("errors").get(0);
    assertThat(error.get("op_index").asInt()).isZero();
    assertThat(error.get("code").asText()).isEqualTo("increment.not_number");
    assertThat(error.get("message").asText()).isEqualTo("Expected number at path 's', got string.");
    assertThat(error.get("doc_url").asText())
        .isEqualTo("https://iii.dev/docs/workers/iii-state#error-codes");
  }

  @Test
  void updateWithNoOpsOnMissingItemCreatesAnEmptyObject() {
    assertThat(call("stream::update", "{'stream_name':'s','group_id':'g','item_id':'i','ops':[]}"))
        .isEqualTo(json("{'old_value':null,'new_value':{},'version':1}"));
    assertThat(call("stream::get", item("i"))).isEqualTo(json("{}"));
  }

  @Test
  void bigIntegersAndKeyOrderSurviveExactly() {
    String data = "{'z':18446744073709551615,'a':123456789012345678901234567890,'m':[]}";
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'i','data':" + data + "}");
    JsonNode back = call("stream::get", item("i"));
    assertThat(back).isEqualTo(json(data));
    assertThat(back.toString()).isEqualTo(json(data).toString());
  }

  @Test
  void unknownExtraFieldsAreIgnored() {
    assertThat(
            call(
                "stream::set",
                "{'stream_name':'s','group_id':'g','item_id':'i','data':1,'extra':{'x':1}}"))
        .isEqualTo(json("{'old_value':null,'new_value':1,'version':1}"));
  }

  @Test
  void namesOfAnyCharactersNeverCollide() {
    call("stream::set", "{'stream_name':'a:b','group_id':'c','item_id':'d','data':1}");
    call("stream::set", "{'stream_name':'a','group_id':'b:c','item_id':'d','data':2}");
    assertThat(call("stream::get", "{'stream_name':'a:b','group_id':'c','item_id':'d'}"))
        .isEqualTo(json("1"));
    assertThat(call("stream::get", "{'stream_name':'a','group_id':'b:c','item_id':'d'}"))
        .isEqualTo(json("2"));
    assertThat(call("stream::list_groups", "{'stream_name':'a'}")).isEqualTo(json("['b:c']"));
  }

  @Test
  void typedApiSharesTheImplementation() {
    SetResult set = engine.set("s", "g", "i", json("{'n':1}"));
    assertThat(set.toJson()).isEqualTo(json("{'old_value':null,'new_value':{'n':1},'version':1}"));
    UpdateResult update = engine.update("s", "g", "i", List.of(UpdateOp.increment("n", 41)));
    assertThat(update.newValue()).isEqualTo(json("{'n':42}"));
    assertThat(call("stream::get", item("i"))).isEqualTo(json("{'n':42}"));
    assertThat(engine.list("s", "g")).containsExactly(json("{'n':42}"));
    assertThat(engine.listGroups("s")).containsExactly("g");
    assertThat(engine.listAll()).isEqualTo(Map.of("s", List.of("g")));
    assertThat(engine.delete("s", "g", "i")).isEqualTo(json("{'n':42}"));
    assertThat(engine.get("s", "g", "i")).isNull();
  }

  @Test
  void invokeCopiesTheCallersInputTree() {
    com.fasterxml.jackson.databind.node.ObjectNode input =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json("{'stream_name':'s','group_id':'g','item_id':'i','data':{'a':1}}");
    engine.invoke("stream::set", input);
    ((com.fasterxml.jackson.databind.node.ObjectNode) input.get("data")).put("a", 99);
    assertThat(engine.get("s", "g", "i")).isEqualTo(json("{'a':1}"));
  }

  @Test
  void typedSetCopiesTheCallersTree() {
    com.fasterxml.jackson.databind.node.ObjectNode mine =
        (com.fasterxml.jackson.databind.node.ObjectNode) json("{'a':1}");
    engine.set("s", "g", "i", mine);
    mine.put("a", 99);
    assertThat(engine.get("s", "g", "i")).isEqualTo(json("{'a':1}"));
  }

  // ---- bad input: every case gets the SPEC §7 answer and writes nothing ----

  private void assertNothingStored() {
    assertThat(call("stream::list_all", "{}")).isEqualTo(json("{'stream':[],'count':0}"));
  }

  private void assertFails(String function, String input, String code, String message) {
    assertThatThrownBy(() -> call(function, input))
        .isInstanceOf(StreamException.class)
        .hasMessage(message)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(code);
    assertNothingStored();
  }

  @Test
  void missingFieldIsADeserializationError() {
    assertFails(
        "stream::set",
        "{'stream_name':'s','group_id':'g','item_id':'i'}",
        "deserialization_error",
        "Failed to deserialize input for stream::set: missing field `data`");
  }

  @Test
  void wrongTypedFieldIsADeserializationError() {
    assertFails(
        "stream::set",
        "{'stream_name':1,'group_id':'g','item_id':'i','data':1}",
        "deserialization_error",
        "Failed to deserialize input for stream::set: invalid type for `stream_name`: integer `1`,"
            + " expected a string");
  }

  @Test
  void nonObjectInputIsADeserializationError() {
    assertFails(
        "stream::list_all",
        "null",
        "deserialization_error",
        "Failed to deserialize input for stream::list_all: invalid type: null, expected a JSON"
            + " object");
  }

  @Test
  void unknownOpTypeIsADeserializationErrorAndWritesNothing() {
    assertThatThrownBy(
            () ->
                call(
                    "stream::update",
                    "{'stream_name':'s','group_id':'g','item_id':'i','ops':[{'type':'explode'}]}"))
        .isInstanceOf(StreamException.class)
        .hasMessageStartingWith("Failed to deserialize input for stream::update: ")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("deserialization_error");
    assertNothingStored();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'type':'increment','path':'n','by':1.5}",
        "{'type':'increment','path':'n','by':1.0}",
        "{'type':'increment','path':'n','by':'1'}",
        "{'type':'set','path':['a'],'value':1}",
        "{'type':'remove'}",
        "{'type':'merge','path':'a'}"
      })
  void badOpsFailTheWholeCall(String op) {
    assertThatThrownBy(
            () ->
                call(
                    "stream::update",
                    "{'stream_name':'s','group_id':'g','item_id':'i','ops':[" + op + "]}"))
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("deserialization_error");
    assertNothingStored();
  }

  @Test
  void emptyNameIsAnInvalidArgument() {
    assertFails(
        "stream::set",
        "{'stream_name':'','group_id':'g','item_id':'i','data':1}",
        "invalid_argument",
        "Invalid input for stream::set: stream_name must not be empty");
  }

  @Test
  void nameOf512BytesIsFineAnd513IsInvalid() {
    String ok = "é".repeat(256);
    call("stream::set", "{'stream_name':'s','group_id':'g','item_id':'" + ok + "','data':1}");
    assertThat(engine.get("s", "g", ok)).isEqualTo(json("1"));
    String tooLong = ok + "x";
    assertThatThrownBy(() -> engine.set("s", "g2", tooLong, json("1")))
        .isInstanceOf(StreamException.class)
        .hasMessage("Invalid input for stream::set: item_id is 513 UTF-8 bytes, the maximum is 512")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("invalid_argument");
    assertThat(engine.listGroups("s")).containsExactly("g");
  }

  @Test
  void typedApiRejectsNullNames() {
    assertThatThrownBy(() -> engine.get(null, "g", "i"))
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("invalid_argument");
  }

  @Test
  void unknownFunctionIsFunctionNotFound() {
    assertThatThrownBy(() -> call("nope::nothing", "{}"))
        .isInstanceOf(StreamException.class)
        .hasMessage("Function not found: nope::nothing")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("function_not_found");
  }

  @Test
  void userFunctionsAreCalledThroughInvoke() {
    engine.functions().register("math::double", in -> json(String.valueOf(in.asInt() * 2)));
    assertThat(call("math::double", "21")).isEqualTo(json("42"));
    assertThat(engine.functions().remove("math::double")).isPresent();
    assertThatThrownBy(() -> call("math::double", "1")).isInstanceOf(StreamException.class);
  }

  @Test
  void builtInIdsCannotBeTaken() {
    assertThatThrownBy(() -> engine.functions().register("stream::set", in -> null))
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("invalid_argument");
  }

  @Test
  void callsAfterCloseFailClearly() {
    engine.close();
    engine.close();
    assertThatThrownBy(() -> engine.get("s", "g", "i"))
        .isInstanceOf(StreamException.class)
        .hasMessage("The stream engine is closed");
  }
}
