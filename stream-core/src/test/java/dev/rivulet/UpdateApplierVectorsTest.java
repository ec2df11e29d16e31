package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UpdateApplierVectorsTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.rivulet.UpdateVectorCases#cases")
  void vectorCase(
      String name,
      JsonNode initial,
      JsonNode ops,
      JsonNode expectedValue,
      JsonNode expectedErrors) {
    JsonNode before = initial == null ? null : initial.deepCopy();

    UpdateApplier.Applied applied = UpdateApplier.apply(initial, UpdateOpCodec.decodeList(ops));

    assertThat(applied.newValue()).as(name).isEqualTo(expectedValue);
    List<String> actual = new ArrayList<>();
    for (UpdateOpError error : applied.errors()) {
      actual.add(error.opIndex() + " " + error.code());
    }
    List<String> expected = new ArrayList<>();
    for (JsonNode error : expectedErrors) {
      expected.add(error.get("op_index").intValue() + " " + error.get("code").textValue());
    }
    assertThat(actual).as(name).isEqualTo(expected);
    assertThat(initial).as("input untouched").isEqualTo(before);
  }
}
