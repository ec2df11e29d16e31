package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM client of the stream WebSocket protocol (Rivulet or the reference server), on {@code
 * java.net.http.WebSocket}. It keeps the local state of each subscription (sync, then changes),
 * delivers custom events, reconnects with exponential backoff and re-joins every subscription,
 * resuming with {@code since} where the server supports it.
 *
 * <pre>{@code
 * try (StreamClient client = StreamClient.builder(URI.create("ws://127.0.0.1:3112/")).build()) {
 *   ClientSubscription orders = client.subscribeGroup("orders", "open");
 *   orders.onChange(change -> System.out.println(change));
 *   orders.ready().join();
 *   System.out.println(orders.items());
 * }
 * }</pre>
 *
 * <p>Threads: every listener (change, custom event, subscription state, connection state) is called
 * on the listener executor, one call at a time and in message order; the default is one daemon
 * thread {@code rivulet-client-listener}. A listener that throws is logged and does not affect the
 * client or other listeners. The local state ({@link ClientSubscription#items()}) is updated before
 * the change listeners of the same message run.
 */
public final class StreamClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamClient.class);

  /** The connection's state, reported to {@link #onConnectionState} listeners. */
  public enum ConnectionState {
    CONNECTING,
    CONNECTED,
    /** Lost; a reconnect is scheduled. */
    DISCONNECTED,
    /** {@link #close()} was called: terminal. */
    CLOSED
  }

  private final URI uri;
  private final Map<String, String> headers;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Executor listeners;
  private final ExecutorService ownedListeners;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http;
  private final Map<String, ClientSubscription> subscriptions = new ConcurrentHashMap<>();
  private final List<Consumer<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Object lock = new Object();
  private WebSocket socket;

  /** The last queued send: java.net.http.WebSocket allows one outstanding send at a time. */
  private CompletableFuture<?> sendTail = CompletableFuture.completedFuture(null);

  private ConnectionState state = ConnectionState.CONNECTING;
  private Duration backoff;
  private boolean closed;

  private StreamClient(Builder b) {
    this.uri = b.uri;
    this.headers = Map.copyOf(b.headers);
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.backoff = b.initialBackoff;
    this.ownedListeners =
        b.listenerExecutor == null
            ? Executors.newSingleThreadExecutor(daemon("rivulet-client-listener"))
            : null;
    this.listeners = b.listenerExecutor != null ? b.listenerExecutor : ownedListeners;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("rivulet-client-reconnect"));
    this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    connect();
  }

  /** A builder for a client of the server at {@code uri} (e.g. {@code ws://127.0.0.1:3112/}). */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** Subscribes to every item of a group. */
  public ClientSubscription subscribeGroup(String stream, String group) {
    return subscribe(stream, group, null);
  }

  /** Subscribes to one item. */
  public ClientSubscription subscribeItem(String stream, String group, String item) {
    return subscribe(stream, group, Objects.requireNonNull(item, "item"));
  }

  private ClientSubscription subscribe(String stream, String group, String item) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(group, "group");
    String id = "sub-" + ids.incrementAndGet();
    ClientSubscription sub = new ClientSubscription(this, id, stream, group, item);
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("client is closed");
      }
      subscriptions.put(id, sub);
      if (state == ConnectionState.CONNECTED) {
        send(sub.joinMessage());
      }
    }
    return sub;
  }

  /** Adds a listener of connection state changes (called on the listener executor). */
  public void onConnectionState(Consumer<ConnectionState> listener) {
    stateListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public ConnectionState state() {
    synchronized (lock) {
      return state;
    }
  }

  /** Leaves every subscription, closes the connection and stops the client's threads. */
  @Override
  public void close() {
    WebSocket ws;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      ws = socket;
      socket = null;
    }
    if (ws != null) {
      CompletableFuture<?> tail;
      synchronized (lock) {
        for (ClientSubscription sub : subscriptions.values()) {
          enqueueSend(ws, sub.leaveMessage());
        }
        tail = sendTail;
      }
      tail.handle((v, e) -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
    }
    setState(ConnectionState.CLOSED);
    scheduler.shutdownNow();
    if (ownedListeners != null) {
      ownedListeners.shutdown();
    }
  }

  /** Joins again without {@code since}, for a fresh sync. */
  void rejoin(ClientSubscription sub) {
    synchronized (lock) {
      if (state == ConnectionState.CONNECTED && subscriptions.containsKey(sub.id())) {
        send(sub.joinMessage());
      }
    }
  }

  void leave(ClientSubscription sub) {
    if (subscriptions.remove(sub.id(), sub)) {
      synchronized (lock) {
        if (state == ConnectionState.CONNECTED) {
          send(sub.leaveMessage());
        }
      }
    }
  }

  void dispatch(Runnable listenerCall) {
    try {
      listeners.execute(
          () -> {
            try {
              listenerCall.run();
            } catch (RuntimeException e) {
              LOG.warn("stream client listener failed", e);
            }
          });
    } catch (RuntimeException e) {
      LOG.debug("listener executor rejected a call (client closing)", e);
    }
  }

  private void connect() {
    setState(ConnectionState.CONNECTING);
    WebSocket.Builder wsBuilder = http.newWebSocketBuilder();
    headers.forEach(wsBuilder::header);
    wsBuilder
        .buildAsync(uri, new Listener())
        .whenComplete(
            (ws, error) -> {
              if (error != null) {
                LOG.debug("connect to {} failed: {}", uri, error.toString());
                scheduleReconnect();
                return;
              }
              synchronized (lock) {
                if (closed) {
                  ws.abort();
                  return;
                }
                socket = ws;
                sendTail = CompletableFuture.completedFuture(null);
                state = ConnectionState.CONNECTED;
                backoff = initialBackoff;
                for (ClientSubscription sub : subscriptions.values()) {
                  send(sub.joinMessage());
                }
              }
              fireState(ConnectionState.CONNECTED);
            });
  }

  private void scheduleReconnect() {
    Duration delay;
    synchronized (lock) {
      socket = null;
      if (closed) {
        return;
      }
      delay = backoff;
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }
    setState(ConnectionState.DISCONNECTED);
    try {
      scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.debug("reconnect not scheduled (client closing)", e);
    }
  }

  /** Sends one text message after the ones queued before it; caller holds {@code lock}. */
  private void send(String text) {
    WebSocket ws = socket;
    if (ws != null) {
      enqueueSend(ws, text);
    }
  }

  private void enqueueSend(WebSocket ws, String text) {
    sendTail =
        sendTail
            .handle((v, e) -> null) // a failed send does not stop the next one
            .thenCompose(v -> ws.sendText(text, true))
            .whenComplete(
                (v, e) -> {
                  if (e != null) {
                    LOG.debug("send failed: {}", e.toString());
                  }
                });
  }

  private void setState(ConnectionState next) {
    synchronized (lock) {
      if (state == next || (state == ConnectionState.CLOSED)) {
        return;
      }
      state = next;
    }
    fireState(next);
  }

  private void fireState(ConnectionState value) {
    for (Consumer<ConnectionState> listener : stateListeners) {
      dispatch(() -> listener.accept(value));
    }
  }

  private void onMessage(String text) {
    JsonNode msg;
    try {
      msg = Json.read(text);
    } catch (Exception e) {
      LOG.debug("ignoring a message that is not JSON");
      return;
    }
    if (!"stream".equals(msg.path("type").asText())) {
      return;
    }
    String stream = msg.path("streamName").asText();
    String group = msg.path("groupId").asText();
    for (ClientSubscription sub : subscriptions.values()) {
      if (sub.stream().equals(stream) && sub.group().equals(group)) {
        sub.accept(msg);
      }
    }
  }

  /** Receives frames; text may arrive in parts. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        onMessage(text);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      return onText(ws, StandardCharsets.UTF_8.decode(data), last);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      LOG.debug("server closed the connection: {} {}", statusCode, reason);
      scheduleReconnect();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      LOG.debug("connection failed: {}", error.toString());
      scheduleReconnect();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures a {@link StreamClient}; each setter checks its argument at once. */
  public static final class Builder {
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Executor listenerExecutor;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        throw new IllegalArgumentException("uri must be ws:// or wss://, got " + uri);
      }
      this.uri = uri;
    }

    /** Sends {@code Authorization: Bearer token} with the upgrade request. */
    public Builder authToken(String token) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("authToken must not be blank");
      }
      return header("Authorization", "Bearer " + token);
    }

    /** An extra header of the upgrade request (e.g. for the server's auth function). */
    public Builder header(String name, String value) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      headers.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Reconnect delays: start at {@code initial}, double up to {@code max}; 100 ms … 5 s. */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      if (initial == null
          || max == null
          || initial.isNegative()
          || initial.isZero()
          || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "need 0 < initial <= max, got initial=" + initial + ", max=" + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Where listeners run; it must run tasks one at a time in order to keep message order (the
     * default single daemon thread does). A given executor is not shut down by the client.
     */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Builds the client and starts connecting (in the background). */
    public StreamClient build() {
      return new StreamClient(this);
    }
  }

  static ObjectNode object() {
    return Json.object();
  }

  static List<JsonNode> elements(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }
}
