package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rivulet.StreamEngine;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Other WebSocket implementations speak the stream protocol with the server. */
class IndependentPeersTest {
  StreamEngine engine;
  StreamWebSocketServer server;

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    server = StreamWebSocketServer.builder(engine).port(0).echo(true).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  @Test
  void javaWebSocketClientJoinsAndReceivesChanges() throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocketClient client =
        new WebSocketClient(URI.create("ws://127.0.0.1:" + server.port() + "/")) {
          @Override
          public void onOpen(ServerHandshake handshake) {}

          @Override
          public void onMessage(String message) {
            messages.add(message);
          }

          @Override
          public void onClose(int code, String reason, boolean remote) {
            closed.complete(code);
          }

          @Override
          public void onError(Exception ex) {}
        };
    assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
    client.send(JdkClient.message("join", "s", "peers", "g", null));
    assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("\"sync\"");
    engine.set("peers", "g", "a", StreamProtocolTest.json("{\"v\":1}"));
    assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("\"create\"").contains("\"v\":1");
    client.sendPing();
    client.closeBlocking();
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void okHttpClientJoinsReceivesChangesAndEchoesLargeMessages() throws Exception {
    OkHttpClient http = new OkHttpClient();
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocketListener listener =
        new WebSocketListener() {
          @Override
          public void onMessage(WebSocket ws, String text) {
            messages.add(text);
          }

          @Override
          public void onClosing(WebSocket ws, int code, String reason) {
            ws.close(code, null);
            closed.complete(code);
          }

          @Override
          public void onFailure(WebSocket ws, Throwable t, Response r) {
            closed.completeExceptionally(t);
          }
        };
    WebSocket ws =
        http.newWebSocket(
            new Request.Builder().url("ws://127.0.0.1:" + server.port() + "/").build(), listener);
    ws.send(JdkClient.message("join", "s", "peers", "g", "a"));
    assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("\"sync\"");
    engine.set("peers", "g", "a", StreamProtocolTest.json("{\"v\":2}"));
    assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("\"v\":2");
    ws.close(1000, "done");

    WebSocket echo =
        http.newWebSocket(
            new Request.Builder().url("ws://127.0.0.1:" + server.port() + "/echo").build(),
            listener);
    String big = "e".repeat(3 * 1024 * 1024);
    echo.send(big);
    assertThat(messages.poll(20, TimeUnit.SECONDS)).isEqualTo(big);
    echo.close(1000, "done");
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
