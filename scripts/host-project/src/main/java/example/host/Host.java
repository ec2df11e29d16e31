package example.host;

import dev.rivulet.EngineStats;
import dev.rivulet.Group;
import dev.rivulet.Item;
import dev.rivulet.Stream;
import dev.rivulet.StreamEngine;
import dev.rivulet.Subscription;
import dev.rivulet.UpdateOp;
import dev.rivulet.UpdateResult;
import dev.rivulet.ws.StreamWebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Embeds an engine and its WebSocket server, stores an item, and joins its group as a browser would. */
public final class Host {
  private Host() {}

  public record Order(String id, int total, String status) {}

  /** What the SPEC §10 example does, as a host would write it; returns what it saw. */
  public static List<String> example() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (StreamEngine engine = StreamEngine.builder().build()) {
      Stream orders = engine.stream("orders");
      Group open = orders.group("open");
      Item o1 = open.item("o-1");
      CountDownLatch events = new CountDownLatch(3);
      Subscription s =
          open.subscribe(
              event -> {
                seen.add("event " + event.kind().wireName());
                events.countDown();
              });
      o1.set(new Order("o-1", 5, "new"));
      UpdateResult r =
          o1.update(UpdateOp.increment("total", 2), UpdateOp.set("status", "paid"));
      seen.add("errors " + r.errors().size());
      Order o = o1.get(Order.class);
      seen.add("get " + o);
      Map<String, Order> items = open.items(Order.class);
      seen.add("items " + items.keySet());
      seen.add("groups " + orders.groups());
      open.send("typing", Map.of("user", "ada"));
      if (!events.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("events did not arrive: " + seen);
      }
      s.close();
      EngineStats stats = engine.stats();
      seen.add("writes " + stats.writes() + " events " + stats.events());
    }
    return seen;
  }

  /** The first message a subscriber of orders/open gets over WebSocket: the sync. */
  public static String firstMessage() throws Exception {
    try (StreamEngine engine = StreamEngine.builder().build();
        StreamWebSocketServer server = StreamWebSocketServer.builder(engine).port(0).build().start()) {
      Item o1 = engine.stream("orders").group("open").item("o-1");
      o1.set(new Order("o-1", 5, "new"));
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
    example().forEach(System.out::println);
    System.out.println(firstMessage());
    System.out.println(Map.of("module", Host.class.getModule().getName()));
  }
}
