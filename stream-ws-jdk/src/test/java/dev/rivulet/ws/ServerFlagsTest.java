package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone server's command line (SPEC §1, §9). */
class ServerFlagsTest {
  @Test
  void allowedOriginIsRepeatableAndNormalized() throws Exception {
    ServerFlags f =
        ServerFlags.parse(
            new String[] {
              "--allowed-origin", "http://a.example:8080", "--allowed-origin", "HTTPS://B.example/"
            },
            Map.of());
    assertThat(f.allowedOrigins).containsExactly("http://a.example:8080", "https://b.example");
  }

  @Test
  void allowedOriginAcceptsStarAndNull() throws Exception {
    ServerFlags f =
        ServerFlags.parse(
            new String[] {"--allowed-origin", "*", "--allowed-origin", "null"}, Map.of());
    assertThat(f.allowedOrigins).containsExactly("*", "null");
  }

  @Test
  void iiiWorkersIsOffUnlessFlaggedAndListedInTheHelp() throws Exception {
    assertThat(ServerFlags.parse(new String[0], Map.of()).iiiWorkers).isFalse();
    assertThat(ServerFlags.parse(new String[] {"--iii-workers"}, Map.of()).iiiWorkers).isTrue();
    assertThat(ServerFlags.USAGE).contains("--iii-workers");
  }

  @Test
  void authFunctionTakesAFunctionId() throws Exception {
    assertThat(ServerFlags.parse(new String[0], Map.of()).authFunction).isNull();
    assertThat(
            ServerFlags.parse(new String[] {"--auth-function", "auth::ws"}, Map.of()).authFunction)
        .isEqualTo("auth::ws");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--auth-function", " "}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("--auth-function");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--auth-function"}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class);
  }

  @Test
  void noAllowedOriginByDefault() throws Exception {
    assertThat(ServerFlags.parse(new String[0], Map.of()).allowedOrigins).isEmpty();
  }

  @Test
  void aMalformedOrMissingAllowedOriginIsABadFlag() {
    assertThatThrownBy(
            () -> ServerFlags.parse(new String[] {"--allowed-origin", "a.example"}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("--allowed-origin")
        .hasMessageContaining("a.example");
    assertThatThrownBy(() -> ServerFlags.parse(new String[] {"--allowed-origin"}, Map.of()))
        .isInstanceOf(ServerFlags.BadFlag.class)
        .hasMessageContaining("needs a value");
  }

  @Test
  void helpDocumentsAllowedOrigin() {
    assertThat(ServerFlags.USAGE).contains("--allowed-origin O").contains("* = any");
  }

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
