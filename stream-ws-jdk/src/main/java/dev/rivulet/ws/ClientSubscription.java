package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One subscription of a {@link StreamClient}: the local copy of a group's items (or of one item),
 * kept current from the sync and every later change, across reconnects. Made by {@link
 * StreamClient#subscribeGroup} or {@link StreamClient#subscribeItem}; ended by {@link #close()}.
 *
 * <p>Threads: the getters may be called from any thread and return consistent copies. Listeners run
 * on the client's listener executor (see {@link StreamClient}), after the local state was updated
 * for the message that caused the call.
 *
 * <p>A {@code sync} (the first one, a re-sync after a reconnect without resume, after a detected
 * gap, or one the server sends on its own) replaces the local state and is not reported as a {@link
 * Change}.
 */
public final class ClientSubscription implements AutoCloseable {

  /**
   * One change of the local state, as passed to {@link #onChange} listeners.
   *
   * @param kind {@code "create"}, {@code "update"} or {@code "delete"}
   * @param itemId the id of the item that changed
   * @param value the item's new value; null for a delete
   * @param seq the group's {@code seq} of the change, or -1 when the server sent none
   */
  public record Change(String kind, String itemId, JsonNode value, long seq) {}

  private final StreamClient client;
  private final String id;
  private final String stream;
  private final String group;
  private final String item;
  private final Map<String, JsonNode> items = new LinkedHashMap<>();
  private final List<Consumer<Change>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<String, JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private long lastSeq = -1;
  private int syncs;
  private long duplicates;
  private long gaps;

  ClientSubscription(StreamClient client, String id, String stream, String group, String item) {
    this.client = client;
    this.id = id;
    this.stream = stream;
    this.group = group;
    this.item = item;
  }

  /**
   * The subscription id this client sends as {@code subscriptionId} in its join and leave messages.
   *
   * @return the id, {@code sub-N}, unique within its client
   */
  public String id() {
    return id;
  }

  /**
   * The stream subscribed to.
   *
   * @return the stream name, as given when subscribing
   */
  public String stream() {
    return stream;
  }

  /**
   * The group subscribed to (the whole group, or the group of the item).
   *
   * @return the group id, as given when subscribing
   */
  public String group() {
    return group;
  }

  /**
   * The item of an item subscription.
   *
   * @return the item id, or null for a group subscription
   */
  public String item() {
    return item;
  }

  /**
   * Completes when the first sync arrived; fails with a {@link StreamException} of code {@code
   * unauthorized} when the server refused the join, with the server's code ({@code
   * invalid_argument}, {@code deserialization_error}) when it refused the join's names, or of code
   * {@code STREAM_CONNECTION_ERROR} when the client had no connection within its connect timeout
   * after this subscription was made (the subscription stays registered and syncs once a connection
   * comes). It is not completed by {@link #close()} or {@link StreamClient#close()}: a future still
   * pending then stays pending.
   *
   * @return the future of the first sync; the same future on every call
   */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  /**
   * A copy of the local state: item id → value, in the server's list order ({@code update} keeps an
   * item's position, {@code create} appends). A group sync without {@code itemIds} (data from a
   * {@code stream::list} override, or another server) is keyed {@code #0}, {@code #1}, … by
   * position. An item subscription holds at most its one item.
   *
   * @return an unmodifiable copy, empty before the first sync; later changes do not show in it
   */
  public synchronized Map<String, JsonNode> items() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(items));
  }

  /**
   * The value of an item subscription's item.
   *
   * @return the item's value; null when the item is missing, before the first sync, and always for
   *     a group subscription
   */
  public synchronized JsonNode value() {
    return item == null ? null : items.get(item);
  }

  /**
   * The last {@code seq} applied; a reconnect re-joins with it as {@code since} to resume.
   *
   * @return the seq, or -1 before the first message carrying one, against servers that send no seq,
   *     and right after a detected gap (until the next message carrying one)
   */
  public synchronized long lastSeq() {
    return lastSeq;
  }

  /**
   * How many sync snapshots were applied: 1 after joining; more after reconnects the server could
   * not resume, detected gaps, or re-syncs the server sent on its own.
   *
   * @return the count, 0 before the first sync
   */
  public synchronized int syncCount() {
    return syncs;
  }

  /**
   * Messages dropped because their seq was already applied (0 against a Rivulet server).
   *
   * @return the count since this subscription was made
   */
  public synchronized long duplicateCount() {
    return duplicates;
  }

  /**
   * Times a seq was skipped (events lost); each one makes the subscription re-join for a fresh sync
   * (without {@code since}). 0 against a Rivulet server. Counted for group subscriptions only: an
   * item subscription sees only its item's messages, so skipped seqs are normal there.
   *
   * @return the count since this subscription was made
   */
  public synchronized long gapCount() {
    return gaps;
  }

  /**
   * Adds a listener of changes: called once per {@code create}, {@code update} and {@code delete}
   * applied to the local state, on the listener executor, in message order. Syncs and custom events
   * are not changes. A listener added late misses the changes before it.
   *
   * @param listener the listener; a listener that throws is logged and stays registered
   * @throws NullPointerException when {@code listener} is null
   */
  public void onChange(Consumer<Change> listener) {
    changeListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Adds a listener of custom events ({@code stream::send}); it gets the event's type and its data
   * (never null: an absent {@code data} is a missing node), on the listener executor, in message
   * order. An item subscription gets only the sends with its item's id.
   *
   * @param listener the listener; a listener that throws is logged and stays registered
   * @throws NullPointerException when {@code listener} is null
   */
  public void onEvent(BiConsumer<String, JsonNode> listener) {
    eventListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Leaves the subscription: the client forgets it (no more listener calls for later messages),
   * sends {@code leave} when connected, and does not re-join it after a reconnect. Idempotent; does
   * not complete a pending {@link #ready()}.
   */
  @Override
  public void close() {
    client.leave(this);
  }

  String joinMessage() {
    return message("join", true);
  }

  String leaveMessage() {
    return message("leave", false);
  }

  private synchronized String message(String type, boolean withSince) {
    ObjectNode msg = StreamClient.object();
    msg.put("type", type);
    ObjectNode data = msg.putObject("data");
    data.put("subscriptionId", id);
    data.put("streamName", stream);
    data.put("groupId", group);
    if (item != null) {
      data.put("id", item);
    }
    if (withSince && lastSeq >= 0) {
      data.put("since", lastSeq);
    }
    return msg.toString();
  }

  /** Applies one wrapper message of this subscription's group. */
  void accept(JsonNode msg) {
    JsonNode event = msg.path("event");
    String type = event.path("type").asText();
    JsonNode idNode = msg.get("id");
    String itemId = idNode == null || idNode.isNull() ? null : idNode.asText();
    if ("error".equals(type)) {
      ready.completeExceptionally(
          new StreamException(
              event.path("code").asText("error"), event.path("message").asText("join refused")));
      return;
    }
    if (!isFor(type, itemId)) {
      return; // another subscription's item, or the answer to another subscription's join
    }
    Change change = null;
    boolean lost = false;
    synchronized (this) {
      long seq = msg.has("seq") ? msg.get("seq").asLong() : -1;
      boolean sync = "sync".equals(type);
      if (seq >= 0 && !sync && lastSeq >= 0) {
        if (seq <= lastSeq) {
          duplicates++;
          return; // already applied
        }
        if (seq > lastSeq + 1 && item == null) {
          gaps++;
          lastSeq = -1;
          lost = true;
        }
      }
      if (lost) {
        type = "lost";
      }
      switch (type) {
        case "sync" -> applySync(event.path("data"), msg.get("itemIds"));
        case "create", "update" -> {
          items.put(itemId, event.path("data"));
          change = new Change(type, itemId, event.path("data"), seq);
        }
        case "delete" -> {
          items.remove(itemId);
          change = new Change(type, itemId, null, seq);
        }
        case "event" -> {
          JsonNode custom = event.path("event");
          String customType = custom.path("type").asText();
          JsonNode data = custom.path("data");
          eventListeners.forEach(l -> client.dispatch(() -> l.accept(customType, data)));
        }
        case "unauthorized" -> {
          ready.completeExceptionally(
              new StreamException("unauthorized", "join of " + stream + "/" + group + " refused"));
          return;
        }
        default -> {
          // "lost" (and unknown types) change nothing here
        }
      }
      if (seq >= 0 && !lost) {
        lastSeq = seq;
      }
    }
    if (lost) {
      client.rejoin(this); // events were lost: ask for a fresh sync (outside our monitor)
      return;
    }
    if (change != null) {
      Change c = change;
      changeListeners.forEach(l -> client.dispatch(() -> l.accept(c)));
    }
    if ("sync".equals(type)) {
      ready.complete(null);
    }
  }

  /**
   * Whether a message of this subscription's group is meant for it. A {@code sync} or {@code
   * unauthorized} answers the join of exactly one target, named by its {@code id} (null for a whole
   * group): an item subscription's sync must not replace a group subscription's state, nor a group
   * sync an item's. Changes and custom events reach a group subscription always, an item
   * subscription when they are about its item.
   */
  private boolean isFor(String type, String itemId) {
    if ("sync".equals(type) || "unauthorized".equals(type)) {
      return Objects.equals(item, itemId);
    }
    return item == null || item.equals(itemId);
  }

  private void applySync(JsonNode data, JsonNode ids) {
    syncs++;
    items.clear();
    if (item != null) {
      if (!data.isNull() && !data.isMissingNode()) {
        items.put(item, data);
      }
      return;
    }
    List<JsonNode> values = StreamClient.elements(data);
    for (int i = 0; i < values.size(); i++) {
      String key = ids != null && ids.size() == values.size() ? ids.get(i).asText() : "#" + i;
      items.put(key, values.get(i));
    }
  }
}
