package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client against a port nobody listens on tells why, and recovers once a server comes. */
class StreamClientFailureTest {

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void readyFailsAfterTheConnectTimeoutWithTheCauseThenTheClientConnectsWhenAServerComes()
      throws Exception {
    int port = freePort();
    try (StreamClient client =
        StreamClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
            .connectTimeout(Duration.ofMillis(300))
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .build()) {
      ClientSubscription early = client.subscribeGroup("s", "g");
      assertThatThrownBy(() -> client.ready().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              StreamException.class,
              e -> assertThat(e.code()).isEqualTo(StreamException.STREAM_CONNECTION_ERROR))
          .hasMessageContaining("127.0.0.1:" + port)
          .hasCauseInstanceOf(ConnectException.class);
      assertThatThrownBy(() -> early.ready().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StreamException.class);
      assertThat(client.lastFailure()).containsInstanceOf(ConnectException.class);
      assertThat(client.state()).isNotEqualTo(StreamClient.ConnectionState.CONNECTED);

      try (StreamEngine engine = StreamEngine.builder().build();
          StreamWebSocketServer server =
              StreamWebSocketServer.builder(engine).port(port).build().start()) {
        assertThat(server.port()).isEqualTo(port);
        engine.stream("s").group("g").item("a").set(1);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> client.state() == StreamClient.ConnectionState.CONNECTED);
        assertThat(client.lastFailure()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> early.items().containsKey("a"));
        client.subscribeGroup("s", "g").ready().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
