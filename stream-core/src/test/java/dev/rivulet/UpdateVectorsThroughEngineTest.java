package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of the shared update-op vectors, through {@code invoke("stream::update")}. */
class UpdateVectorsThroughEngineTest {

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
    return UpdateVectorCases.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void caseHolds(
      String name, JsonNode initial, JsonNode ops, JsonNode expected, JsonNode expectedErrors) {
    try (StreamEngine engine = StreamEngine.builder().build()) {
      if (initial != null) {
        engine.set("s", "g", "i", initial);
      }
      ObjectNode input = TestJson.MAPPER.createObjectNode();
      input.put("stream_name", "s").put("group_id", "g").put("item_id", "i");
      input.set("ops", ops);
      JsonNode result = engine.invoke("stream::update", input);

      assertThat(result.get("new_value")).as(name).isEqualTo(expected);
      assertThat(engine.get("s", "g", "i")).as("stored value of " + name).isEqualTo(expected);
      assertThat(result.get("old_value"))
          .isEqualTo(initial == null ? TestJson.json("null") : initial);
      List<String> errors = new ArrayList<>();
      if (result.has("errors")) {
        assertThat(result.get("errors")).as("errors is omitted when empty").isNotEmpty();
        result
            .get("errors")
            .forEach(e -> errors.add(e.get("op_index").asInt() + ":" + e.get("code").asText()));
      }
      List<String> wanted = new ArrayList<>();
      expectedErrors.forEach(
          e -> wanted.add(e.get("op_index").asInt() + ":" + e.get("code").asText()));
      assertThat(errors).as(name).containsExactlyElementsOf(wanted);
    }
  }
}
