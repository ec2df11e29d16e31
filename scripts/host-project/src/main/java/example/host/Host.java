package example.host;

import dev.rivulet.Item;
import dev.rivulet.StreamEngine;
import dev.rivulet.ws.StreamWebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Embeds an engine and its WebSocket server, stores an item, and joins its group as a browser would. */
public final class Host {
  private Host() {}

  public record Order(String id, int total) {}

  /** The first message a subscriber of orders/open gets: the sync with the stored item. */
  public static String firstMessage() throws Exception {
    try (StreamEngine engine = StreamEngine.builder().build();
        StreamWebSocketServer server = StreamWebSocketServer.builder(engine).port(0).build().start()) {
      Item o1 = engine.stream("orders").group("open").item("o-1");
      o1.set(new Order("o-1", 5));
      CompletableFuture<String> first = new CompletableFuture<>();
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + server.port() + "/"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                      first.complete(data.toString());
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      ws.sendText(
              "{\"type\":\"join\",\"data\":{\"subscriptionId\":\"s1\","
                  + "\"streamName\":\"orders\",\"groupId\":\"open\"}}",
              true)
          .get(10, TimeUnit.SECONDS);
      String message = first.get(10, TimeUnit.SECONDS);
      ws.abort();
      return message;
    }
  }

  public static void main(String[] args) throws Exception {
    System.out.println(firstMessage());
    System.out.println(Map.of("module", Host.class.getModule().getName()));
  }
}
