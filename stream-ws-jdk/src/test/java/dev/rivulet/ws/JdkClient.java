package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A stream-protocol client on the JDK's {@code java.net.http.WebSocket}. */
final class JdkClient implements WebSocket.Listener, AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder text = new StringBuilder();
  final WebSocket ws;

  JdkClient(int port, String path) {
    this(port, path, HTTP.newWebSocketBuilder());
  }

  JdkClient(int port, String path, WebSocket.Builder builder) {
    ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), this).join();
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      try {
        messages.add(MAPPER.readTree(text.toString()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }

  void send(String json) {
    ws.sendText(json, true).join();
  }

  void sendBinary(String json) {
    ws.sendBinary(ByteBuffer.wrap(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), true)
        .join();
  }

  void join(String sub, String stream, String group, String item) {
    send(message("join", sub, stream, group, item));
  }

  void leave(String sub, String stream, String group, String item) {
    send(message("leave", sub, stream, group, item));
  }

  static String message(String type, String sub, String stream, String group, String item) {
    var data = MAPPER.createObjectNode();
    data.put("subscriptionId", sub).put("streamName", stream).put("groupId", group);
    if (item != null) {
      data.put("id", item);
    }
    var node = MAPPER.createObjectNode().put("type", type);
    node.set("data", data);
    return node.toString();
  }

  /** The next message (fails after 10 s). */
  JsonNode next() throws InterruptedException {
    JsonNode m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 10 s");
    }
    return m;
  }

  /** The next message, or null if none arrives within {@code millis}. */
  JsonNode poll(long millis) throws InterruptedException {
    return messages.poll(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    try {
      closed.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      ws.abort();
    }
  }
}
