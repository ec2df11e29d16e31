package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rivulet.StreamEngine;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A server that cannot listen says why and leaves no thread or socket behind. */
class StartFailureTest {
  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("rivulet-ws-selector-") && t.isAlive())
        .count();
  }

  @Test
  void anUnresolvableHostOrATakenPortFailsCleanly() throws Exception {
    try (StreamEngine engine = StreamEngine.builder().build();
        ServerSocket taken = new ServerSocket(0)) {
      long before = selectorThreads();
      assertThatThrownBy(
              () ->
                  StreamWebSocketServer.builder(engine)
                      .host("no-such-host.invalid")
                      .port(0)
                      .build()
                      .start())
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("no-such-host.invalid");
      assertThatThrownBy(
              () ->
                  StreamWebSocketServer.builder(engine).port(taken.getLocalPort()).build().start())
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
      assertThat(selectorThreads()).isEqualTo(before);
    }
  }
}
