package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone server's command line (SPEC §1). */
class ServerFlagsTest {

  @Test
  void maxItemBytesIsReadAndDefaultsToTheEngines() throws Exception {
    assertThat(ServerFlags.parse(new String[0], Map.of()).maxItemBytes).isNull();
    assertThat(ServerFlags.parse(new String[] {"--max-item-bytes", "2048"}, Map.of()).maxItemBytes)
        .isEqualTo(2048);
  }

  @Test
  void maxItemBytesRefusesValuesThatAreNotAPositiveWholeNumber() {
    for (String bad : new String[] {"0", "-1", "1.5", "1k", "99999999999"}) {
      assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--max-item-bytes", bad}, Map.of()))
          .isInstanceOf(ServerFlags.BadFlag.class)
          .hasMessageContaining("--max-item-bytes")
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--max-item-bytes"}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("needs a value");
  }

  @Test
  void helpDocumentsMaxItemBytes() {
    assertThat(ServerFlags.USAGE).contains("--max-item-bytes N").contains("1048576");
  }
}
