package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamException;
import dev.rivulet.internal.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * the change listeners of the same message run. Reconnects and connect timeouts are scheduled on
 * one daemon thread {@code rivulet-client-reconnect}; the JDK {@code HttpClient}'s own threads do
 * the I/O. Every method may be called from any thread.
 *
 * <p>Connection failures never throw from the client's methods: a connection that cannot be made or
 * is lost shows in {@link #state()}, {@link #lastFailure()}, the connection state listeners, and
 * fails the pending {@link #ready()} futures once the connect timeout has passed; the client keeps
 * reconnecting until {@link #close()}.
 */
public final class StreamClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamClient.class);

  /** The connection's state, reported to {@link #onConnectionState} listeners. */
  public enum ConnectionState {
    /**
     * A connection attempt is under way: the initial state, and again at each reconnect attempt.
     */
    CONNECTING,
    /** Connected; the join of every subscription has been queued for sending. */
    CONNECTED,
    /** Lost, or an attempt failed; a reconnect is scheduled after the current backoff. */
    DISCONNECTED,
    /** {@link #close()} was called: terminal. */
    CLOSED
  }

  private final URI uri;
  private final Executor listeners;
  private final ExecutorService ownedListeners;
  private final ScheduledExecutorService scheduler;
  private final Map<String, ClientSubscription> subscriptions = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Duration connectTimeout;
  private final ClientLink link;

  private StreamClient(Builder b) {
    this.uri = b.uri;
    this.ownedListeners =
        b.listenerExecutor == null
            ? Executors.newSingleThreadExecutor(daemon("rivulet-client-listener"))
            : null;
    this.listeners = b.listenerExecutor != null ? b.listenerExecutor : ownedListeners;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("rivulet-client-reconnect"));
    this.connectTimeout = b.connectTimeout;
    this.link =
        new ClientLink(
            b.uri,
            b.headers,
            b.initialBackoff,
            b.maxBackoff,
            b.connectTimeout,
            scheduler,
            new ClientLink.Owner() {
              @Override
              public void connected() {
                subscriptions
                    .values()
                    .forEach(sub -> StreamClient.this.link.sendIfConnected(sub.joinMessage()));
              }

              @Override
              public void message(String text) {
                onMessage(text);
              }

              @Override
              public void dispatch(Runnable call) {
                StreamClient.this.dispatch(call);
              }
            });
    link.connect();
    failIfNotConnectedIn(link.firstConnection());
  }

  /**
   * Completes when the client is connected for the first time; fails with a {@link StreamException}
   * of code {@link StreamException#STREAM_CONNECTION_ERROR} (its cause the last connection failure)
   * when that did not happen within the connect timeout. The client keeps trying to connect in the
   * background either way, until {@link #close()}. A {@link #close()} before either leaves it
   * pending.
   *
   * @return the future of the first connection; the same future on every call
   */
  public CompletableFuture<Void> ready() {
    return link.firstConnection();
  }

  /**
   * Why the last connection attempt failed or the last connection was lost; empty while connected
   * and before anything failed.
   *
   * @return the failure, e.g. a {@code ConnectException} for a port nobody listens on
   */
  public Optional<Throwable> lastFailure() {
    return Optional.ofNullable(link.lastFailure());
  }

  /**
   * Fails {@code future} if it is still pending and the client is not connected after the timeout.
   */
  void failIfNotConnectedIn(CompletableFuture<Void> future) {
    try {
      scheduler.schedule(
          () -> {
            if (!future.isDone() && state() != ConnectionState.CONNECTED) {
              Throwable cause = link.lastFailure();
              future.completeExceptionally(
                  new StreamException(
                      StreamException.STREAM_CONNECTION_ERROR,
                      "No connection to "
                          + uri
                          + " within "
                          + connectTimeout.toMillis()
                          + " ms"
                          + (cause == null ? "" : ": " + cause),
                      cause));
            }
          },
          connectTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.debug("connect timeout not scheduled (client closing)", e);
    }
  }

  /**
   * A builder for a client of the server at {@code uri}.
   *
   * @param uri the server's WebSocket URI, {@code ws://} or {@code wss://} (e.g. {@code
   *     ws://127.0.0.1:3112/}); a query such as {@code ?token=T} is sent with the upgrade
   * @return a new builder with the defaults
   * @throws NullPointerException when {@code uri} is null
   * @throws IllegalArgumentException when its scheme is neither {@code ws} nor {@code wss}
   */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Subscribes to every item of a group. Returns at once: the join is sent now when connected, else
   * once connected, and again after every reconnect. The names are checked by the server: a refused
   * join fails the subscription's {@link ClientSubscription#ready()}.
   *
   * @param stream the stream name
   * @param group the group id
   * @return the new subscription, with a fresh id
   * @throws NullPointerException when {@code stream} or {@code group} is null
   * @throws IllegalStateException when the client is closed
   */
  public ClientSubscription subscribeGroup(String stream, String group) {
    return subscribe(stream, group, null);
  }

  /**
   * Subscribes to one item of a group; its local state is that item alone. Returns at once, like
   * {@link #subscribeGroup}.
   *
   * @param stream the stream name
   * @param group the group id
   * @param item the item id (the item need not exist yet)
   * @return the new subscription, with a fresh id
   * @throws NullPointerException when {@code stream}, {@code group} or {@code item} is null
   * @throws IllegalStateException when the client is closed
   */
  public ClientSubscription subscribeItem(String stream, String group, String item) {
    return subscribe(stream, group, Objects.requireNonNull(item, "item"));
  }

  private ClientSubscription subscribe(String stream, String group, String item) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(group, "group");
    String id = "sub-" + ids.incrementAndGet();
    ClientSubscription sub = new ClientSubscription(this, id, stream, group, item);
    link.locked(
        () -> {
          if (link.isClosed()) {
            throw new IllegalStateException("client is closed");
          }
          subscriptions.put(id, sub);
          link.sendIfConnected(sub.joinMessage());
        });
    failIfNotConnectedIn(sub.ready());
    return sub;
  }

  /**
   * Adds a listener of connection state changes, called on the listener executor with each new
   * state. It hears only changes after it was added (read {@link #state()} for the current one);
   * {@link #close()} reports {@link ConnectionState#CLOSED}.
   *
   * @param listener the listener; a listener that throws is logged and stays registered
   * @throws NullPointerException when {@code listener} is null
   */
  public void onConnectionState(Consumer<ConnectionState> listener) {
    link.onState(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The connection's state now.
   *
   * @return the state; {@link ConnectionState#CLOSED} for good after {@link #close()}
   */
  public ConnectionState state() {
    return link.state();
  }

  /**
   * Leaves every subscription, closes the connection (close code 1000) and stops the client's
   * threads. Does not wait: the leave messages and the close frame are sent in the background.
   * Listener calls already queued still run on the default executor; a given listener executor is
   * not shut down. Pending {@code ready()} futures stay pending. Idempotent.
   */
  @Override
  public void close() {
    List<String> leaves = new ArrayList<>();
    subscriptions.values().forEach(sub -> leaves.add(sub.leaveMessage()));
    link.close(leaves);
    scheduler.shutdownNow();
    if (ownedListeners != null) {
      ownedListeners.shutdown();
    }
  }

  /** Joins again without {@code since}, for a fresh sync. */
  void rejoin(ClientSubscription sub) {
    if (subscriptions.containsKey(sub.id())) {
      link.sendIfConnected(sub.joinMessage());
    }
  }

  void leave(ClientSubscription sub) {
    if (subscriptions.remove(sub.id(), sub)) {
      link.sendIfConnected(sub.leaveMessage());
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
    JsonNode subscriptionId = msg.get("subscriptionId");
    if (subscriptionId != null && subscriptionId.isTextual()) {
      // addressed to one subscription (the error answer to a join, SPEC §9 "Names")
      ClientSubscription sub = subscriptions.get(subscriptionId.textValue());
      if (sub != null) {
        sub.accept(msg);
      }
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

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Configures a {@link StreamClient}; each setter checks its argument at once. Not thread-safe;
   * {@link #build()} may be called more than once, each time for a new client.
   */
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

    /**
     * Sends {@code Authorization: Bearer token} with the upgrade request (the server's {@code
     * authToken}). Same as {@code header("Authorization", "Bearer " + token)}.
     *
     * @param token the token
     * @return this builder
     * @throws IllegalArgumentException when {@code token} is null or blank
     */
    public Builder authToken(String token) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("authToken must not be blank");
      }
      return header("Authorization", "Bearer " + token);
    }

    /**
     * An extra header of the upgrade request (e.g. for the server's auth function), sent with every
     * connection attempt. A later call with the same name (same case) replaces the value. Headers
     * the JDK client sets itself ({@code Host}, {@code Connection}, {@code Upgrade}, {@code
     * Sec-WebSocket-*}, …) are refused by it only when connecting: every attempt then fails with
     * that {@code IllegalArgumentException} as {@link StreamClient#lastFailure()}.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws IllegalArgumentException when {@code name} is null or blank
     * @throws NullPointerException when {@code value} is null
     */
    public Builder header(String name, String value) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      headers.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Reconnect delays: the first reconnect waits {@code initial}, each failed attempt doubles the
     * wait up to {@code max}; a successful connection resets it to {@code initial}. Default 100 ms
     * … 5 s.
     *
     * @param initial the first delay, positive
     * @param max the largest delay, at least {@code initial}
     * @return this builder
     * @throws IllegalArgumentException unless {@code 0 < initial <= max} (also for null)
     */
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

    /**
     * How long a connection attempt (TCP connect) may take, and how long after {@link #build()} (or
     * after a subscribe) {@link StreamClient#ready()} (or the subscription's {@link
     * ClientSubscription#ready()}) waits for a connection before it fails; default 5 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
     */
    public Builder connectTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Where listeners run; it must run tasks one at a time in order to keep message order (the
     * default single daemon thread does). A given executor is not shut down by the client; calls it
     * rejects are dropped (logged at debug level).
     *
     * @param executor the executor of every listener call
     * @return this builder
     * @throws NullPointerException when {@code executor} is null
     */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the client and starts connecting (in the background; this does not wait for the
     * connection, see {@link StreamClient#ready()}).
     *
     * @return the new client, in state {@link ConnectionState#CONNECTING} or later
     */
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
