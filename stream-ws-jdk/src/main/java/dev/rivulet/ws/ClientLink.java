package dev.rivulet.ws;

import dev.rivulet.StreamException;
import dev.rivulet.ws.StreamClient.ConnectionState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection of a {@link StreamClient}: connects, reconnects with exponential backoff, queues
 * outgoing text one send at a time (as {@code java.net.http.WebSocket} requires), keeps the
 * connection state and the last failure, and hands every complete text message to its owner.
 *
 * <p>Its monitor ({@link #locked}) orders the owner's "register a subscription, send its join if
 * connected" against "connected: send every registered join", so a join is sent exactly once per
 * connection.
 */
final class ClientLink {
  private static final Logger LOG = LoggerFactory.getLogger(ClientLink.class);

  /** What the owner does when the link connects and when a message arrives. */
  interface Owner {
    /** Connected: queue the join of every subscription. Called holding the link's monitor. */
    void connected();

    /** One complete text message from the server, on the HTTP client's thread. */
    void message(String text);

    /** Runs a listener call on the owner's listener executor. */
    void dispatch(Runnable call);
  }

  private final URI uri;
  private final Map<String, String> headers;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http;
  private final Owner owner;
  private final List<Consumer<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
  private WebSocket socket;

  /** The last queued send: java.net.http.WebSocket allows one outstanding send at a time. */
  private CompletableFuture<?> sendTail = CompletableFuture.completedFuture(null);

  private volatile Throwable lastFailure;
  private ConnectionState state = ConnectionState.CONNECTING;
  private Duration backoff;
  private boolean closed;

  ClientLink(
      URI uri,
      Map<String, String> headers,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration connectTimeout,
      ScheduledExecutorService scheduler,
      Owner owner) {
    this.uri = uri;
    this.headers = Map.copyOf(headers);
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.backoff = initialBackoff;
    this.scheduler = scheduler;
    this.owner = owner;
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  /** Completes at the first connection. */
  CompletableFuture<Void> firstConnection() {
    return firstConnection;
  }

  Throwable lastFailure() {
    return lastFailure;
  }

  void onState(Consumer<ConnectionState> listener) {
    stateListeners.add(listener);
  }

  ConnectionState state() {
    synchronized (this) {
      return state;
    }
  }

  /** Runs {@code action} holding the link's monitor; see the class comment. */
  synchronized void locked(Runnable action) {
    action.run();
  }

  /** Whether {@link #close()} was called; caller holds the monitor. */
  boolean isClosed() {
    return closed;
  }

  /** Sends {@code text} after the ones queued before it, if connected now. */
  synchronized void sendIfConnected(String text) {
    if (state == ConnectionState.CONNECTED && socket != null) {
      enqueueSend(socket, text);
    }
  }

  /**
   * Sends the {@code goodbyes} (if connected), then a close frame with 1000, and stops for good;
   * reports {@link ConnectionState#CLOSED}. Idempotent.
   */
  void close(List<String> goodbyes) {
    WebSocket ws;
    CompletableFuture<?> tail;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ws = socket;
      socket = null;
      if (ws != null) {
        goodbyes.forEach(text -> enqueueSend(ws, text));
      }
      tail = sendTail;
    }
    if (ws != null) {
      tail.handle((v, e) -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
    }
    setState(ConnectionState.CLOSED);
  }

  void connect() {
    setState(ConnectionState.CONNECTING);
    WebSocket.Builder wsBuilder = http.newWebSocketBuilder();
    headers.forEach(wsBuilder::header);
    wsBuilder.buildAsync(uri, new Listener()).whenComplete(this::opened);
  }

  private void opened(WebSocket ws, Throwable error) {
    if (error != null) {
      lastFailure =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      LOG.debug("connect to {} failed: {}", uri, error.toString());
      scheduleReconnect();
      return;
    }
    synchronized (this) {
      if (closed) {
        ws.abort();
        return;
      }
      socket = ws;
      lastFailure = null;
      sendTail = CompletableFuture.completedFuture(null);
      state = ConnectionState.CONNECTED;
      backoff = initialBackoff;
      owner.connected();
    }
    fireState(ConnectionState.CONNECTED);
    firstConnection.complete(null);
  }

  private void scheduleReconnect() {
    Duration delay;
    synchronized (this) {
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

  /** Caller holds the monitor. */
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
    synchronized (this) {
      if (state == next || state == ConnectionState.CLOSED) {
        return;
      }
      state = next;
    }
    fireState(next);
  }

  private void fireState(ConnectionState value) {
    for (Consumer<ConnectionState> listener : stateListeners) {
      owner.dispatch(() -> listener.accept(value));
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
        owner.message(text);
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
      lastFailure =
          new StreamException(
              StreamException.STREAM_CONNECTION_ERROR,
              "The server closed the connection: " + statusCode + " " + reason);
      scheduleReconnect();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      LOG.debug("connection failed: {}", error.toString());
      lastFailure = error;
      scheduleReconnect();
    }
  }
}
