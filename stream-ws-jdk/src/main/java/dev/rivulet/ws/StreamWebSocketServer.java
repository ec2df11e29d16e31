package dev.rivulet.ws;

import dev.rivulet.StreamEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * <p>Threads: selector threads {@code rivulet-ws-selector-N} do all socket I/O; protocol work
 * (join/leave triggers, snapshots, the auth function, HTTP invoke) runs on daemon threads {@code
 * rivulet-ws-worker-N}. {@link #close()} stops both. The engine is not closed by the server.
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
  private ServerSocketChannel server;
  private volatile int port = -1;
  private int next;
  private final RequestBudget budget;
  private final int connectionLimit;
  private SelectionKey acceptKey;
  private final AcceptBackoff backoff = new AcceptBackoff();
  private Thread shutdownHook;
  private final ServerCounters counters = new ServerCounters();

  /** Test hook: replaces {@code server.accept()} (e.g. to inject EMFILE). */
  interface Acceptor {
    SocketChannel accept(ServerSocketChannel server) throws IOException;
  }

  Acceptor acceptor = ServerSocketChannel::accept;

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

  /** A builder for a server of {@code engine}. */
  public static Builder builder(StreamEngine engine) {
    return new Builder(Objects.requireNonNull(engine, "engine"));
  }

  /**
   * Binds and starts serving.
   *
   * @throws UncheckedIOException when the address cannot be bound
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
      server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(options.host(), options.port()), 1024);
      server.configureBlocking(false);
      port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      SelectorLoop acceptLoop = loops.get(0);
      acceptKey =
          server.register(
              acceptLoop.selector,
              SelectionKey.OP_ACCEPT,
              (SelectorLoop.SelectorTask) k -> accept(router, acceptLoop));
      loops.forEach(SelectorLoop::start);
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(
          "cannot listen on " + options.host() + ":" + options.port(), e);
    }
  }

  private void accept(RequestRouter router, SelectorLoop acceptLoop) {
    for (int i = 0; i < 1_000; i++) { // bounded: let the loop's other work run
      SocketChannel channel;
      try {
        channel = acceptor.accept(server);
        if (channel == null) {
          backoff.succeeded();
          return;
        }
        backoff.succeeded();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (options.socketSendBuffer() > 0) {
          channel.setOption(StandardSocketOptions.SO_SNDBUF, options.socketSendBuffer());
        }
      } catch (ClosedChannelException e) {
        return; // the server is closing
      } catch (IOException e) {
        pauseAccepting(acceptLoop, e);
        return;
      }
      SelectorLoop loop = loops.get(next++ % loops.size());
      boolean refuse = connections.get() >= connectionLimit;
      connections.incrementAndGet();
      loop.execute(
          () -> {
            Connection c =
                new Connection(
                    channel, loop, options, router, budget, counters, connections::decrementAndGet);
            try {
              c.register();
            } catch (IOException e) {
              c.terminate();
              return;
            }
            if (refuse) {
              c.respond(
                  503,
                  HttpResponses.error(503, "too_many_connections", "connection limit reached"));
            }
          });
    }
  }

  /**
   * accept() failed (EMFILE, ENFILE, …): stop watching OP_ACCEPT and re-arm it after a backoff on
   * the loop's timer, so the pending connection in the backlog does not make the loop spin.
   */
  private void pauseAccepting(SelectorLoop acceptLoop, IOException e) {
    long delay = backoff.failed();
    if (backoff.firstOfBurst()) {
      LOG.warn("accept failed ({}); pausing accepts, retrying with backoff", e.toString());
    } else {
      LOG.debug("accept failed again; next try in {} ms", delay / 1_000_000, e);
    }
    if (!acceptKey.isValid()) {
      return;
    }
    acceptKey.interestOps(0);
    acceptLoop.schedule(
        delay,
        () -> {
          if (acceptKey.isValid()) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
          }
        });
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

  /** The bound port (the real one when built with port 0). */
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

  /** How many TCP connections are open right now. */
  public int connectionCount() {
    return connections.get();
  }

  /**
   * Makes a JVM shutdown (SIGTERM, SIGINT, {@code System.exit}) stop this server gracefully, as the
   * standalone server does: {@link #close()} (every connection closed with 1001, leave triggers
   * fired), then {@link StreamEngine#close()} of the engine, which flushes and closes its storage.
   * Without it an embedded server's clients see the connection drop (1006) when the host is
   * stopped. Calling {@link #close()} first unregisters the hook. Idempotent.
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
   * Graceful stop: stops accepting, closes every connection with 1001, fires the leave triggers of
   * the remaining subscriptions, then stops the threads. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    unregisterShutdownHook();
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the listening socket", e);
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

  /** Configures a {@link StreamWebSocketServer}; each setter checks its argument at once. */
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

    /** The address to bind; default {@code 127.0.0.1}. */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank: " + host);
      }
      this.host = host;
      return this;
    }

    /** The port; 0 picks a free one (see {@link #port()}). Default 3112. */
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
     * or returns {@code {"unauthorized": true}} the upgrade is refused with HTTP 401.
     */
    public Builder authFunction(String functionId) {
      if (functionId == null || functionId.isBlank()) {
        throw new IllegalArgumentException("authFunction must not be blank: " + functionId);
      }
      this.authFunction = functionId;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer T} or {@code ?token=T} on upgrades and HTTP invokes.
     */
    public Builder authToken(String token) {
      if (token == null || token.isEmpty()) {
        throw new IllegalArgumentException("authToken must not be empty: " + token);
      }
      this.authToken = token;
      return this;
    }

    /** Enables {@code POST /invoke/{functionId}}; default off. */
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

    /** Enables the plain echo endpoint {@code /echo} (messages up to 16 MiB); default off. */
    public Builder echo(boolean enabled) {
      this.echo = enabled;
      return this;
    }

    /** Serves the inspector page for a plain {@code GET /}; default off (426 instead). */
    public Builder inspector(boolean enabled) {
      this.inspector = enabled;
      return this;
    }

    /** Largest frame or message accepted (close 1009 above); default 1 MiB. */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 125) {
        throw new IllegalArgumentException("maxMessageSize must be at least 125: " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** Bytes a connection may have queued before it is closed with 4008; default 1 MiB. */
    public Builder outboundQueueBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("outboundQueueBytes must be at least 1024: " + bytes);
      }
      this.outboundQueueBytes = bytes;
      return this;
    }

    /** A connection silent this long is closed; default 60 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /** A connection silent this long gets a ping; default 25 s. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = positive("pingInterval", interval);
      return this;
    }

    /** How long a closing handshake may take before the socket is dropped; default 10 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive("closeTimeout", timeout);
      return this;
    }

    /** Open connections above this are refused with HTTP 503; default 100 000. */
    public Builder maxConnections(int max) {
      this.maxConnections = atLeastOne("maxConnections", max);
      return this;
    }

    /** A join beyond this closes the connection with 1008; default 1 000. */
    public Builder maxSubscriptionsPerConnection(int max) {
      this.maxSubscriptionsPerConnection = atLeastOne("maxSubscriptionsPerConnection", max);
      return this;
    }

    /** Client messages per second per connection (close 1008 above); 0 = unlimited (default). */
    public Builder maxMessagesPerSecond(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxMessagesPerSecond must be >= 0: " + max);
      }
      this.maxMessagesPerSecond = max;
      return this;
    }

    /** Selector threads; default min(4, cores). */
    public Builder selectorThreads(int threads) {
      this.selectorThreads = atLeastOne("selectorThreads", threads);
      return this;
    }

    /** SO_SNDBUF of accepted sockets in bytes; 0 = the OS default (auto-tuned). */
    public Builder socketSendBuffer(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("socketSendBuffer must be >= 0: " + bytes);
      }
      this.socketSendBuffer = bytes;
      return this;
    }

    /**
     * Bytes all connections together may buffer for incomplete requests (heads and bodies in
     * progress); a request needing more is answered 503 and its connection closed. Default 64 MiB.
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
     * connecting, else it is dropped (slowloris); capped by the idle timeout. Default 10 s.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Threads for protocol work that may block on storage (joins, leaves, the auth function, HTTP
     * invoke); default max(2, cores).
     */
    public Builder workerThreads(int threads) {
      this.workerThreads = atLeastOne("workerThreads", threads);
      return this;
    }

    /**
     * Tasks that may wait for a worker thread; default 1 024. Beyond it an HTTP invoke or upgrade
     * is answered 503 {@code overloaded} at once and a WebSocket message closes its connection with
     * 1013 (try again later).
     */
    public Builder workerQueue(int tasks) {
      this.workerQueue = atLeastOne("workerQueue", tasks);
      return this;
    }

    /**
     * How long an HTTP invoke or auth function may take before the client is answered 504 {@code
     * timeout} (with {@code "outcome":"unknown"}: the call may still complete); default 30 s.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive("callTimeout", timeout);
      return this;
    }

    /**
     * How long a WebSocket join whose snapshot cannot be read (storage down) is retried before its
     * connection is closed with 1011; default 30 s.
     */
    public Builder joinRetryTimeout(Duration timeout) {
      this.joinRetryTimeout = positive("joinRetryTimeout", timeout);
      return this;
    }

    /**
     * Browser origins besides the server's own that may upgrade and call HTTP invoke, each {@code
     * scheme://host[:port]}, {@code null} (sandboxed and {@code file:} pages) or {@code *} (any
     * origin). A request carrying another {@code Origin} is refused with 403 {@code
     * forbidden_origin}; requests without {@code Origin} (non-browser clients) are never affected.
     * Allowed cross origins get CORS headers and preflight answers. Default: none (own origin
     * only); each call replaces the list.
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
              workerThreads,
              workerQueue,
              callTimeout,
              joinRetryTimeout,
              origins,
              iiiWorkers ? new IiiOptions(iiiCallTimeout, iiiMaxInFlight) : null));
    }
  }
}
