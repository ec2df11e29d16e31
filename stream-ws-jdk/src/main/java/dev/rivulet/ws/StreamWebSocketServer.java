package dev.rivulet.ws;

import dev.rivulet.StreamEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket server on JDK NIO speaking the Rivulet/iii stream protocol for one {@link
 * StreamEngine}: clients join groups or items and receive a {@code sync} and then every change.
 *
 * <pre>{@code
 * try (StreamWebSocketServer server =
 *     StreamWebSocketServer.builder(engine).port(0).build().start()) {
 *   System.out.println("ws://127.0.0.1:" + server.port() + "/");
 * }
 * }</pre>
 *
 * <p>Threads: daemon selector threads {@code rivulet-ws-selector-N} do all socket I/O (the first
 * one also accepts; connections are spread round-robin); protocol work (join/leave triggers,
 * snapshots, the auth function, HTTP invoke, {@code /health} and {@code /stats}) runs on daemon
 * threads {@code rivulet-ws-worker-N}. {@link #close()} stops both. The engine is not closed by the
 * server (only by the hook of {@link #registerShutdownHook()}). The public methods may be called
 * from any thread.
 *
 * <p>Limits, refusals and their defaults are those of the {@link Builder} setters; the wire
 * protocol and every answer are described in {@code docs/PROTOCOL.md} and {@code
 * docs/HARDENING.md}.
 */
public final class StreamWebSocketServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamWebSocketServer.class);

  private final ServerOptions options;
  private final StreamEngine engine;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<SelectorLoop> loops = new ArrayList<>();
  private ExecutorService worker;
  private StreamProtocol protocol;
  private IiiWorkers iii;
  private AcceptLoop listener;
  private volatile int port = -1;
  private final RequestBudget budget;
  private final int connectionLimit;
  private Thread shutdownHook;
  private final ServerCounters counters = new ServerCounters();

  /** Test hook: replaces {@code server.accept()} (e.g. to inject EMFILE); read at each accept. */
  volatile AcceptLoop.Acceptor acceptor = ServerSocketChannel::accept;

  private StreamWebSocketServer(StreamEngine engine, ServerOptions options) {
    this.engine = engine;
    this.options = options;
    this.budget = new RequestBudget(options.maxPendingRequestBytes());
    this.connectionLimit =
        ConnectionLimit.effective(options.maxConnections(), ConnectionLimit.processFdLimit());
    if (connectionLimit < options.maxConnections()) {
      LOG.info(
          "connection limit lowered from {} to {} by the file-descriptor limit",
          options.maxConnections(),
          connectionLimit);
    }
  }

  /**
   * A builder for a server of {@code engine}, with the defaults of each setter.
   *
   * @param engine the engine to serve; the server does not close it
   * @return a new builder
   * @throws NullPointerException when {@code engine} is null
   */
  public static Builder builder(StreamEngine engine) {
    return new Builder(Objects.requireNonNull(engine, "engine"));
  }

  /**
   * Binds the listening socket and starts serving; returns once the port is bound (see {@link
   * #port()}). A server starts at most once.
   *
   * @return this server
   * @throws UncheckedIOException when the address cannot be bound (the port is in use, the
   *     {@linkplain Builder#host host} name cannot be resolved …); the message names host:port and
   *     the server is then closed, with nothing it opened left open
   * @throws IllegalStateException when already started or closed
   */
  public StreamWebSocketServer start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("server already started or closed");
    }
    try {
      worker = workerPool(options.workerThreads(), options.workerQueue());
      protocol =
          new StreamProtocol(
              engine, worker, options.maxSubscriptionsPerConnection(), options.joinRetryTimeout());
      iii = options.iii() == null ? null : new IiiWorkers(engine, worker, options.iii());
      RequestRouter router =
          new RequestRouter(options, protocol, iii, worker, connections, this::stats);
      for (int i = 0; i < options.selectorThreads(); i++) {
        loops.add(new SelectorLoop("rivulet-ws-selector-" + (i + 1)));
      }
      listener =
          new AcceptLoop(
              options,
              loops,
              router,
              budget,
              counters,
              connections,
              connectionLimit,
              channel -> acceptor.accept(channel));
      port = listener.bind();
      loops.forEach(SelectorLoop::start);
      return this;
    } catch (IOException | RuntimeException e) {
      // e.g. an unresolvable host (UnresolvedAddressException): nothing opened may stay open
      close();
      throw new UncheckedIOException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + e,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** Bytes buffered for incomplete requests right now (all connections). */
  long pendingRequestBytes() {
    return budget.used();
  }

  /** The connection limit in force (configured, lowered by the fd limit). */
  int connectionLimit() {
    return connectionLimit;
  }

  /** The stream protocol shared by the connections (tests read its counters). */
  StreamProtocol protocol() {
    return protocol;
  }

  /** The iii worker endpoint's shared state (null when off); tests read its counters. */
  IiiWorkers iii() {
    return iii;
  }

  /** The selector loops (tests inject failures into them). */
  List<SelectorLoop> loops() {
    return loops;
  }

  /** What the connections count together (tests read the write counts). */
  ServerCounters counters() {
    return counters;
  }

  /**
   * Protocol work (joins, leaves, the auth function, HTTP invoke) that can block on storage: a
   * fixed pool with a bounded queue; a task beyond it is refused at once (HTTP 503, close 1013).
   */
  private static ExecutorService workerPool(int threads, int queue) {
    AtomicInteger counter = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "rivulet-ws-worker-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * The bound port (the real one when built with port 0); still answered after {@link #close()}.
   *
   * @return the port
   * @throws IllegalStateException when the server was not started
   */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("server not started");
    }
    return port;
  }

  /**
   * The server's figures (connections, queued bytes, slow-consumer closes) with its engine's
   * counters; cheap enough to poll. Also served as {@code GET /stats} when {@link
   * Builder#statusEndpoints} is on.
   *
   * @return a snapshot taken now
   */
  public ServerStats stats() {
    return new ServerStats(
        connections.get(),
        counters.queuedBytes.sum(),
        counters.slowConsumerCloses.sum(),
        engine.stats());
  }

  /**
   * How many TCP connections are open right now: WebSocket connections, plain HTTP requests in
   * progress, and connections being refused at the limit.
   *
   * @return the count, as {@link ServerStats#connections()}
   */
  public int connectionCount() {
    return connections.get();
  }

  /**
   * Makes a JVM shutdown (SIGTERM, SIGINT, {@code System.exit}) stop this server gracefully, as the
   * standalone server does: {@link #close()} (every connection closed with 1001, leave triggers
   * fired), then {@link StreamEngine#close()} of the engine, which flushes and closes its storage.
   * Without it an embedded server's clients see the connection drop (1006) when the host is
   * stopped. May be called before or after {@link #start()}; calling {@link #close()} first
   * unregisters the hook, and after {@link #close()} this does nothing. Idempotent.
   *
   * @return this server
   */
  public synchronized StreamWebSocketServer registerShutdownHook() {
    if (shutdownHook == null && !closed.get()) {
      shutdownHook =
          new Thread(
              () -> {
                close();
                engine.close();
              },
              "rivulet-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    return this;
  }

  private synchronized void unregisterShutdownHook() {
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs anyway, and close() is idempotent
      }
    }
    shutdownHook = null;
  }

  /**
   * Graceful stop: stops accepting, closes every WebSocket connection with 1001 {@code server
   * shutting down} (plain HTTP connections are dropped), fires the leave triggers of the remaining
   * subscriptions, then stops the threads. Blocks while it waits: for the close handshakes up to
   * the {@linkplain Builder#closeTimeout close timeout}, then up to 5 s for the leave triggers.
   * Does not close the engine. Idempotent; also unregisters the {@linkplain #registerShutdownHook()
   * shutdown hook}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    unregisterShutdownHook();
    if (listener != null) {
      listener.close();
    }
    if (!loops.isEmpty() && started.get()) {
      closeConnections();
    }
    loops.forEach(SelectorLoop::stop);
    if (protocol != null) {
      protocol.awaitSessions(5_000);
    }
    if (worker != null) {
      worker.shutdown();
    }
  }

  private void closeConnections() {
    long deadline = System.nanoTime() + options.closeTimeout().toNanos();
    CountDownLatch sent = new CountDownLatch(loops.size());
    for (SelectorLoop loop : loops) {
      loop.execute(
          () -> {
            for (Connection c : loop.connections()) {
              c.close(CloseCodes.GOING_AWAY, "server shutting down");
            }
            sent.countDown();
          });
    }
    try {
      sent.await(2, TimeUnit.SECONDS);
      while (connections.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10); // bounded wait for close handshakes to finish
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Configures a {@link StreamWebSocketServer}; each setter checks its argument at once (see its
   * {@code @throws}). Not thread-safe; {@link #build()} may be called more than once, each time for
   * a new server.
   */
  public static final class Builder {
    private final StreamEngine engine;
    private String host = "127.0.0.1";
    private int port = 3112;
    private String authFunction;
    private String authToken;
    private boolean httpInvoke;
    private boolean echo;
    private boolean inspector;
    private boolean statusEndpoints;
    private int maxMessageSize = 1024 * 1024;
    private int outboundQueueBytes = 1024 * 1024;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration pingInterval = Duration.ofSeconds(25);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private int maxConnections = 100_000;
    private int maxSubscriptionsPerConnection = 1_000;
    private int maxMessagesPerSecond;
    private int socketSendBuffer;
    private long maxPendingRequestBytes = 64L * 1024 * 1024;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxRequestsPerConnection = 1000;
    private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int workerQueue = 1024;
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration joinRetryTimeout = Duration.ofSeconds(30);
    private OriginPolicy origins = OriginPolicy.sameOriginOnly();
    private boolean iiiWorkers;
    private Duration iiiCallTimeout = Duration.ofSeconds(30);
    private int iiiMaxInFlight = 1_024;
    private int selectorThreads =
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private Builder(StreamEngine engine) {
      this.engine = engine;
    }

    /**
     * The address to bind: an IP literal or a host name ({@code 0.0.0.0} for every interface);
     * default {@code 127.0.0.1} (local clients only).
     *
     * @param host the address
     * @return this builder
     * @throws IllegalArgumentException when {@code host} is null or blank
     */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank: " + host);
      }
      this.host = host;
      return this;
    }

    /**
     * The TCP port; 0 picks a free one (read it with {@link StreamWebSocketServer#port()}). Default
     * 3112.
     *
     * @param port the port, 0..65535
     * @return this builder
     * @throws IllegalArgumentException when {@code port} is outside 0..65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * A function registered in the engine, called before each upgrade with {@code
     * {"headers","path","query_params","addr"}}; it returns {@code {"context": any}}. If it throws
     * or returns {@code {"unauthorized": true}} the upgrade is refused with HTTP 401. The context
     * is stamped on every join/leave trigger payload of the connection. The function runs on the
     * worker pool (503 {@code overloaded} when its queue is full, 504 {@code timeout} after the
     * {@linkplain #callTimeout call timeout}). Default: none (every upgrade is let in, subject to
     * the token and origin checks).
     *
     * @param functionId the id of the function, registered in the engine by the time clients
     *     connect
     * @return this builder
     * @throws IllegalArgumentException when {@code functionId} is null or blank
     */
    public Builder authFunction(String functionId) {
      if (functionId == null || functionId.isBlank()) {
        throw new IllegalArgumentException("authFunction must not be blank: " + functionId);
      }
      this.authFunction = functionId;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer T} or the query parameter {@code ?token=T}
     * (percent-decoded) on every WebSocket upgrade ({@code /}, {@code /stream/…}, {@code /echo}),
     * HTTP invoke and status endpoint; else HTTP 401 {@code unauthorized}. The inspector page
     * itself and CORS preflights are served without it. Default: none.
     *
     * @param token the token T
     * @return this builder
     * @throws IllegalArgumentException when {@code token} is null or empty
     */
    public Builder authToken(String token) {
      if (token == null || token.isEmpty()) {
        throw new IllegalArgumentException("authToken must not be empty: " + token);
      }
      this.authToken = token;
      return this;
    }

    /**
     * Enables {@code POST /invoke/{functionId}} (and its {@code OPTIONS} preflight), which calls
     * {@link StreamEngine#invoke}; default off ({@code /invoke/…} is then 404).
     *
     * @param enabled whether to serve it
     * @return this builder
     */
    public Builder httpInvoke(boolean enabled) {
      this.httpInvoke = enabled;
      return this;
    }

    /**
     * Enables {@code GET /health} (200 {@code {"status":"ok"}}, or 503 {@code
     * {"status":"failing",…}} when the storage cannot be read) and {@code GET /stats} (the JSON of
     * {@link StreamWebSocketServer#stats()}); both need the auth token when one is set. Default
     * off; the standalone server turns them on.
     *
     * @param enabled whether to serve them
     * @return this builder
     */
    public Builder statusEndpoints(boolean enabled) {
      this.statusEndpoints = enabled;
      return this;
    }

    /**
     * Enables the plain WebSocket echo endpoint {@code /echo} (messages up to 16 MiB, whatever
     * {@link #maxMessageSize}); default off ({@code /echo} is then 404).
     *
     * @param enabled whether to serve it
     * @return this builder
     */
    public Builder echo(boolean enabled) {
      this.echo = enabled;
      return this;
    }

    /**
     * Serves the inspector page for a plain {@code GET /} (no upgrade); default off (426 {@code
     * upgrade_required} instead). The standalone server turns it on.
     *
     * @param enabled whether to serve it
     * @return this builder
     */
    public Builder inspector(boolean enabled) {
      this.inspector = enabled;
      return this;
    }

    /**
     * Largest WebSocket frame or message accepted (close 1009 above) and largest HTTP invoke body
     * (413 above); default 1 MiB.
     *
     * @param bytes the limit in bytes, at least 125
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is below 125
     */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 125) {
        throw new IllegalArgumentException("maxMessageSize must be at least 125: " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * Bytes a connection may have queued for sending: a frame that would take a non-empty queue
     * over this closes the connection with 4008 {@code slow consumer} (counted in {@link
     * ServerStats#slowConsumerCloses()}); other connections are not delayed. A single frame larger
     * than this is still sent when the queue is empty. Default 1 MiB.
     *
     * @param bytes the bound in bytes, at least 1024
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is below 1024
     */
    public Builder outboundQueueBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("outboundQueueBytes must be at least 1024: " + bytes);
      }
      this.outboundQueueBytes = bytes;
      return this;
    }

    /**
     * A WebSocket connection that has sent nothing (no frame, no pong) for this long is closed with
     * 1001 {@code idle timeout}; also the upper bound of the {@link #requestTimeout}. Checked every
     * 250 ms. Default 60 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /**
     * A WebSocket connection that has sent nothing for this long gets one ping (the next only after
     * it has sent something); its pong counts as activity for the {@link #idleTimeout}. Should be
     * shorter than the idle timeout (not checked: otherwise no ping is sent). Default 25 s.
     *
     * @param interval the interval, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code interval} is null, zero or negative
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = positive("pingInterval", interval);
      return this;
    }

    /**
     * How long a closing handshake (or the writing of a final HTTP answer) may take before the
     * socket is dropped; also how long {@link StreamWebSocketServer#close()} waits for the close
     * handshakes. Default 10 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive("closeTimeout", timeout);
      return this;
    }

    /**
     * Open TCP connections above this are refused: a connection accepted at the limit is answered
     * HTTP 503 {@code too_many_connections} and closed. The limit in force is lowered (and logged
     * by {@link #build()}) to what the process's file-descriptor limit allows with a reserve of
     * max(64, 10 %). Default 100 000.
     *
     * @param max the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder maxConnections(int max) {
      this.maxConnections = atLeastOne("maxConnections", max);
      return this;
    }

    /**
     * Subscriptions one WebSocket connection may hold; a join of a new subscription id beyond it
     * closes the connection with 1008 {@code too many subscriptions} (a join replacing an existing
     * id does not count). Default 1 000.
     *
     * @param max the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder maxSubscriptionsPerConnection(int max) {
      this.maxSubscriptionsPerConnection = atLeastOne("maxSubscriptionsPerConnection", max);
      return this;
    }

    /**
     * Client data messages (not control frames) per connection per one-second window; one more
     * closes the connection with 1008 {@code message rate limit exceeded}. 0 = unlimited (default).
     *
     * @param max the limit, or 0 for none
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is negative
     */
    public Builder maxMessagesPerSecond(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxMessagesPerSecond must be >= 0: " + max);
      }
      this.maxMessagesPerSecond = max;
      return this;
    }

    /**
     * Selector threads, which do all socket I/O; default min(4, cores).
     *
     * @param threads the number of threads, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code threads} is below 1
     */
    public Builder selectorThreads(int threads) {
      this.selectorThreads = atLeastOne("selectorThreads", threads);
      return this;
    }

    /**
     * {@code SO_SNDBUF} of accepted sockets; 0 = the OS default (auto-tuned, the default).
     *
     * @param bytes the buffer size in bytes, or 0
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public Builder socketSendBuffer(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("socketSendBuffer must be >= 0: " + bytes);
      }
      this.socketSendBuffer = bytes;
      return this;
    }

    /**
     * Bytes all connections together may buffer for incomplete requests (heads and bodies in
     * progress); a request needing more is answered 503 {@code server_busy} and its connection
     * closed. Default 64 MiB.
     *
     * @param bytes the bound in bytes, at least 65 536
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is below 65 536
     */
    public Builder maxPendingRequestBytes(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException(
            "maxPendingRequestBytes must be at least 65536: " + bytes);
      }
      this.maxPendingRequestBytes = bytes;
      return this;
    }

    /**
     * A connection must deliver its complete HTTP request (head and body) within this time of
     * connecting, else it is dropped without an answer (slowloris); capped by the {@link
     * #idleTimeout}. Default 10 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * HTTP/1.1 keep-alive: how many requests one connection may make before the server answers with
     * {@code Connection: close}; default 1 000, 1 = one request per connection. A kept-alive
     * connection must send its next request within {@link #requestTimeout} of the last answer.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxRequestsPerConnection(int max) {
      this.maxRequestsPerConnection = atLeastOne("maxRequestsPerConnection", max);
      return this;
    }

    /**
     * Threads for protocol work that may block on storage (joins, leaves, the auth function, HTTP
     * invoke, {@code /health}, {@code /stats}); a thread idle for 30 s ends. Default max(2, cores).
     *
     * @param threads the number of threads, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code threads} is below 1
     */
    public Builder workerThreads(int threads) {
      this.workerThreads = atLeastOne("workerThreads", threads);
      return this;
    }

    /**
     * Tasks that may wait for a worker thread; default 1 024. Beyond it an HTTP invoke, a status
     * endpoint or an upgrade needing the {@linkplain #authFunction auth function} is answered 503
     * {@code overloaded} ({@code "outcome":"not_applied"}) at once, and a WebSocket message closes
     * its connection with 1013 {@code server overloaded} (its leave triggers still run).
     *
     * @param tasks the queue capacity, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code tasks} is below 1
     */
    public Builder workerQueue(int tasks) {
      this.workerQueue = atLeastOne("workerQueue", tasks);
      return this;
    }

    /**
     * How long an HTTP invoke or auth function may take before the client is answered 504 {@code
     * timeout} (with {@code "outcome":"unknown"}: the call may still complete); also bounds the
     * status endpoints. Default 30 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive("callTimeout", timeout);
      return this;
    }

    /**
     * How long a WebSocket join whose snapshot cannot be read (storage down) is retried before its
     * connection is closed with 1011 {@code store unavailable}; retries back off from 20 ms
     * doubling to 2 s. Default 30 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is null, zero or negative
     */
    public Builder joinRetryTimeout(Duration timeout) {
      this.joinRetryTimeout = positive("joinRetryTimeout", timeout);
      return this;
    }

    /**
     * Browser origins besides the server's own that may upgrade and call HTTP invoke, each {@code
     * scheme://host[:port]}, the string {@code "null"} (sandboxed and {@code file:} pages) or
     * {@code *} (any origin). Entries are compared case-insensitively, a trailing {@code /}
     * dropped. A request carrying another {@code Origin} is refused with 403 {@code
     * forbidden_origin}; requests without {@code Origin} (non-browser clients) are never affected.
     * Allowed cross origins get CORS headers and preflight answers. Default: none (own origin
     * only); each call replaces the list, an empty call clears it.
     *
     * @param origins the allowed origins
     * @return this builder
     * @throws IllegalArgumentException when {@code origins} is null, or an entry is blank or none
     *     of the three forms (e.g. it has a path)
     * @throws NullPointerException when an entry is null
     */
    public Builder allowedOrigins(String... origins) {
      if (origins == null) {
        throw new IllegalArgumentException("allowedOrigins must not be null");
      }
      this.origins = OriginPolicy.allowing(List.of(origins));
      return this;
    }

    /**
     * Serves the iii worker protocol at {@code /iii} (SPEC §12), so that unchanged {@code iii-sdk}
     * workers ({@code registerWorker("ws://HOST:PORT/iii")}) call the engine's functions and
     * register functions and triggers in it; the auth token and origin policy apply. Default off.
     *
     * @param enabled whether to serve it
     * @return this builder
     */
    public Builder iiiWorkers(boolean enabled) {
      this.iiiWorkers = enabled;
      return this;
    }

    /**
     * How long a call of an iii worker's function (from a trigger, {@link StreamEngine#invoke},
     * HTTP invoke or another worker) waits for the worker's answer before it fails with {@code
     * timeout}; default 30 s.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder iiiCallTimeout(Duration timeout) {
      this.iiiCallTimeout = positive("iiiCallTimeout", timeout);
      return this;
    }

    /**
     * Calls one iii worker may have in flight in each direction (waiting for its answers, and its
     * own calls queued or running); beyond it a call fails at once with {@code overloaded}. Default
     * 1 024.
     *
     * @param calls at least 1
     * @return this builder
     */
    public Builder iiiMaxInFlight(int calls) {
      this.iiiMaxInFlight = atLeastOne("iiiMaxInFlight", calls);
      return this;
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
      return value;
    }

    /**
     * Builds a server with these settings; it does not bind yet (see {@link
     * StreamWebSocketServer#start()}).
     *
     * @return the new, unstarted server
     */
    public StreamWebSocketServer build() {
      return new StreamWebSocketServer(
          engine,
          new ServerOptions(
              host,
              port,
              authFunction,
              authToken,
              httpInvoke,
              echo,
              inspector,
              statusEndpoints,
              maxMessageSize,
              outboundQueueBytes,
              idleTimeout,
              pingInterval,
              closeTimeout,
              maxConnections,
              maxSubscriptionsPerConnection,
              maxMessagesPerSecond,
              selectorThreads,
              socketSendBuffer,
              maxPendingRequestBytes,
              requestTimeout,
              maxRequestsPerConnection,
              workerThreads,
              workerQueue,
              callTimeout,
              joinRetryTimeout,
              origins,
              iiiWorkers ? new IiiOptions(iiiCallTimeout, iiiMaxInFlight) : null));
    }
  }
}
