package dev.rivulet.ws;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection: first an HTTP request, then (after an upgrade) WebSocket frames. Everything
 * but {@link #send} and {@link #close(int, String)} runs on the owning {@link SelectorLoop}.
 */
final class Connection implements SelectorLoop.SelectorTask, FrameSink {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  /** Bytes read past a request while its answer is pending; reading pauses at this mark. */
  static final int MAX_PENDING_INPUT = 64 * 1024;

  /** What the connection is doing. */
  enum State {
    HTTP,
    /** Waiting for an asynchronous decision (auth, invoke); reads are paused. */
    PENDING,
    OPEN,
    /** Our close frame (or HTTP response) is queued; the socket closes once it is flushed. */
    CLOSING,
    /** Output shut down after the close frame; waiting for the peer's end of stream. */
    DRAINING,
    CLOSED
  }

  final SocketChannel channel;
  final SelectorLoop loop;
  private final ServerOptions options;
  private final Router router;
  private final String remote;
  private SelectionKey key;
  private volatile State state = State.HTTP;
  private HttpRequestParser parser;
  private FrameDecoder decoder;
  private WsHandler handler;
  private final OutboundQueue outbound;
  private final AtomicBoolean flushScheduled = new AtomicBoolean();

  /** Link in the loop's flush stack (see {@link SelectorLoop#requestFlush}). */
  Connection nextFlush;

  private ByteBuffer pendingInput;
  private long lastReadNanos = System.nanoTime();
  private boolean pingOutstanding;
  private long deadlineNanos;
  private long rateWindowStart = System.nanoTime();
  private int rateCount;
  private volatile int closeCode = CloseCodes.NO_STATUS;
  private boolean peerClosed;

  /** The request being answered (null while none is, or when its head could not be parsed). */
  private HttpRequest request;

  /** Requests answered on this connection (HTTP keep-alive bound). */
  private int answered;

  /** A kept-alive answer is being written; the next request is read once it is out. */
  private boolean awaitingFlush;

  /** Decides what to do with a parsed HTTP request. */
  interface Router {
    void route(Connection connection, HttpRequest request);

    /**
     * Called when a complete head announces a body, before any body byte is buffered: throws the
     * refusal unless the route takes a body and the caller is authorized.
     */
    default void admitBody(HttpRequest head) throws HttpRequestParser.HttpError {}
  }

  private final Runnable onTerminate;
  private final ServerCounters counters;
  private final RequestBudget budget;

  Connection(
      SocketChannel channel,
      SelectorLoop loop,
      ServerOptions options,
      Router router,
      RequestBudget budget,
      ServerCounters counters,
      Runnable onTerminate) {
    this.onTerminate = onTerminate;
    this.counters = counters;
    this.budget = budget;
    this.channel = channel;
    this.loop = loop;
    this.options = options;
    this.router = router;
    this.outbound = new OutboundQueue(options.outboundQueueBytes(), counters);
    this.parser = new HttpRequestParser(options.maxMessageSize(), budget, router::admitBody);
    this.remote = remoteAddress(channel);
    this.deadlineNanos = System.nanoTime() + handshakeTimeoutNanos();
  }

  private static String remoteAddress(SocketChannel channel) {
    try {
      InetSocketAddress a = (InetSocketAddress) channel.getRemoteAddress();
      return a.getAddress().getHostAddress() + ":" + a.getPort();
    } catch (IOException | RuntimeException e) {
      return "unknown:0";
    }
  }

  /** The peer as {@code ip:port}. */
  String remote() {
    return remote;
  }

  State state() {
    return state;
  }

  /** The close code we sent or received (1005 while open). */
  int closeCode() {
    return closeCode;
  }

  void register() throws IOException {
    key = channel.register(loop.selector, SelectionKey.OP_READ, this);
    loop.add(this);
  }

  @Override
  public void ready(SelectionKey k) {
    try {
      if (!k.isValid()) {
        terminate();
        return;
      }
      if (k.isWritable()) {
        flush();
      }
      if (k.isValid() && k.isReadable()) {
        read();
      }
    } catch (IOException e) {
      LOG.debug("connection {} failed", remote, e);
      terminate();
    } catch (Throwable e) { // an OutOfMemoryError must not kill the selector thread
      failed(e);
    }
  }

  /** An unexpected failure (even an Error) while serving: drop this connection, log, go on. */
  void failed(Throwable e) {
    releaseBuffers();
    LOG.error("connection {} failed unexpectedly; closing it", remote, e);
    terminate();
  }

  private void releaseBuffers() {
    if (parser != null) {
      parser.release();
      parser = null;
    }
    pendingInput = null;
  }

  private void read() throws IOException {
    ByteBuffer buf = loop.readBuffer;
    buf.clear();
    int n = channel.read(buf);
    if (n < 0) {
      terminate();
      return;
    }
    lastReadNanos = System.nanoTime();
    pingOutstanding = false;
    buf.flip();
    process(buf);
  }

  private void process(ByteBuffer buf) {
    switch (state) {
      case HTTP -> readHttp(buf);
      case OPEN, CLOSING, DRAINING -> {
        if (decoder != null) {
          readFrames(buf);
        }
      }
      case PENDING -> keepPending(buf);
      default -> {}
    }
  }

  private void readHttp(ByteBuffer buf) {
    HttpRequest request;
    this.request = null;
    try {
      request = parser.feed(buf);
    } catch (HttpRequestParser.HttpError e) {
      releaseBuffers();
      respond(
          e.status,
          e.response != null
              ? e.response
              : HttpResponses.error(
                  e.status,
                  switch (e.status) {
                    case 401 -> "unauthorized";
                    case 404 -> "not_found";
                    case 503 -> "server_busy";
                    default -> "bad_request";
                  },
                  e.getMessage()));
      return;
    }
    if (request == null) {
      return;
    }
    releaseBuffers();
    this.request = request;
    state = State.PENDING;
    // the answer (auth function, invoke) has its own bound; past it the client hears a 504
    deadlineNanos = System.nanoTime() + options.callTimeout().toNanos();
    keepPending(buf);
    router.route(this, request);
  }

  private void keepPending(ByteBuffer buf) {
    if (!buf.hasRemaining()) {
      return;
    }
    int size = (pendingInput == null ? 0 : pendingInput.remaining()) + buf.remaining();
    if (size > options.maxMessageSize() + 64 * 1024) {
      terminate();
      return;
    }
    ByteBuffer merged = ByteBuffer.allocate(size);
    if (pendingInput != null) {
      merged.put(pendingInput);
    }
    merged.put(buf).flip();
    pendingInput = merged;
    if (size >= MAX_PENDING_INPUT && key != null && key.isValid()) {
      // bytes sent before the answer (auth, invoke) are capped: stop reading until it comes
      key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
    }
  }

  private void readFrames(ByteBuffer buf) {
    try {
      decoder.decode(buf);
    } catch (ProtocolException e) {
      LOG.debug("connection {}: {}", remote, e.getMessage());
      decoder.stop();
      close(e.code(), e.getMessage());
    }
  }

  /** Upgrades the connection (loop thread): writes the 101 response and starts frames. */
  void upgrade(String response, WsHandler wsHandler, int maxMessageSize) {
    if (state != State.PENDING) {
      return;
    }
    this.handler = wsHandler;
    this.decoder = new FrameDecoder(maxMessageSize, this);
    if (key != null && key.isValid()) {
      key.interestOps(key.interestOps() | SelectionKey.OP_READ);
    }
    sendRaw(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
    flush(); // now: a close sealed while handling pipelined frames must not drop the 101
    state = State.OPEN;
    lastReadNanos = System.nanoTime();
    wsHandler.onOpen(this);
    ByteBuffer rest = pendingInput;
    pendingInput = null;
    if (rest != null) {
      readFrames(rest);
    }
  }

  /**
   * Answers a plain HTTP request (loop thread). HTTP/1.1 keep-alive: the connection stays open for
   * the next request (pipelined ones are answered in order, one at a time) when the request was
   * read whole, neither side asked for {@code Connection: close}, the answer is not a refusal that
   * ends the exchange (503, 504) and the connection is under its request bound; otherwise it closes
   * once the response is written.
   */
  void respond(int status, byte[] response) {
    if (state == State.CLOSED
        || state == State.CLOSING
        || state == State.DRAINING
        || awaitingFlush) {
      return;
    }
    LOG.debug("connection {}: HTTP {}", remote, status);
    if (request != null && !HttpResponses.hasHeader(response, "access-control-allow-origin")) {
      // answers made without the request at hand (503 overloaded, 504 timeout …) get CORS too
      response = HttpResponses.withHeaders(response, options.origins().corsHeaders(request));
    }
    byte[] kept = keepsAlive(status) ? HttpResponses.keepAlive(response) : null;
    request = null;
    if (kept == null) {
      outbound.sealWith(ByteBuffer.wrap(response));
      startClosing();
      return;
    }
    answered++;
    awaitingFlush = true;
    deadlineNanos = System.nanoTime() + options.closeTimeout().toNanos();
    sendRaw(ByteBuffer.wrap(kept));
  }

  private boolean keepsAlive(int status) {
    HttpRequest r = request;
    if (r == null || status == 503 || status == 504 || status == 408) {
      return false;
    }
    boolean persistent =
        r.version().equals("HTTP/1.1")
            ? !r.headerHasToken("connection", "close")
            : r.headerHasToken("connection", "keep-alive");
    return persistent && answered + 1 < options.maxRequestsPerConnection();
  }

  /** The kept-alive answer is out: read the next request (what arrived meanwhile first). */
  private void nextRequest() {
    awaitingFlush = false;
    state = State.HTTP;
    parser = new HttpRequestParser(options.maxMessageSize(), budget, router::admitBody);
    deadlineNanos = System.nanoTime() + handshakeTimeoutNanos();
    if (key != null && key.isValid()) {
      key.interestOps(key.interestOps() | SelectionKey.OP_READ);
    }
    ByteBuffer rest = pendingInput;
    pendingInput = null;
    if (rest != null && rest.hasRemaining()) {
      readHttp(rest);
    }
  }

  // ---- FrameSink (loop thread) ----

  @Override
  public void onMessage(boolean text, byte[] data) {
    if (state != State.OPEN) {
      return;
    }
    if (options.maxMessagesPerSecond() > 0 && !withinRate()) {
      close(CloseCodes.POLICY_VIOLATION, "message rate limit exceeded");
      return;
    }
    handler.onMessage(this, text, data);
  }

  private boolean withinRate() {
    long now = System.nanoTime();
    if (now - rateWindowStart >= 1_000_000_000L) {
      rateWindowStart = now;
      rateCount = 0;
    }
    return ++rateCount <= options.maxMessagesPerSecond();
  }

  @Override
  public void onPing(byte[] payload) {
    if (state == State.OPEN) {
      send(FrameEncoder.frame(FrameEncoder.OP_PONG, payload));
    }
  }

  @Override
  public void onPong(byte[] payload) {
    // liveness is tracked by any read
  }

  @Override
  public void onClose(int code, String reason) {
    decoder.stop();
    peerClosed = true;
    if (state == State.OPEN) {
      closeCode = code;
      ByteBuffer reply =
          code == CloseCodes.NO_STATUS
              ? FrameEncoder.frame(FrameEncoder.OP_CLOSE, new byte[0])
              : FrameEncoder.close(code, "");
      outbound.sealWith(reply);
      startClosing();
    } else if (state == State.DRAINING) {
      terminate();
    }
  }

  // ---- output (any thread) ----

  /**
   * Queues a frame; a connection whose queue is over its byte limit is closed with 4008 {@code slow
   * consumer}. The buffer may be shared: it is duplicated, never modified.
   */
  void send(ByteBuffer frame) {
    switch (outbound.offer(frame)) {
      case FIRST -> scheduleFlush();
      case OVERFLOW -> {
        counters.slowConsumerCloses.increment();
        close(CloseCodes.SLOW_CONSUMER, "slow consumer");
      }
      default -> {}
    }
  }

  private void sendRaw(ByteBuffer bytes) {
    outbound.offer(bytes);
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      loop.requestFlush(this);
    }
  }

  /** Starts the closing handshake with {@code code} (any thread; once). */
  void close(int code, String reason) {
    if (!loop.inLoop()) {
      loop.execute(() -> close(code, reason));
      return;
    }
    if (state == State.OPEN) {
      closeCode = code;
      outbound.sealWith(FrameEncoder.close(code, reason));
      startClosing();
    } else if (state == State.HTTP || state == State.PENDING) {
      terminate();
    }
  }

  private void startClosing() {
    state = State.CLOSING;
    deadlineNanos = System.nanoTime() + options.closeTimeout().toNanos();
    if (decoder == null) {
      // plain HTTP: nothing more to read
      pendingInput = null;
    }
    scheduleFlush();
  }

  /** Writes queued output (loop thread). */
  void flush() {
    flushScheduled.set(false);
    if (state == State.CLOSED) {
      return;
    }
    try {
      boolean empty = outbound.flushTo(channel);
      if (!empty) {
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        return;
      }
      if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
      }
      if (state == State.CLOSING && outbound.isSealed()) {
        afterLastWrite();
      } else if (awaitingFlush && state == State.PENDING) {
        nextRequest();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("write to {} failed", remote, e);
      terminate();
    }
  }

  private void afterLastWrite() throws IOException {
    if (peerClosed) {
      terminate(); // handshake complete: the server closes TCP first
      return;
    }
    state = State.DRAINING;
    channel.shutdownOutput();
    deadlineNanos = System.nanoTime() + options.closeTimeout().toNanos();
  }

  /** Periodic checks (loop thread): idle pings, idle drop, handshake and close deadlines. */
  void tick(long now) {
    switch (state) {
      case PENDING -> {
        if (now - deadlineNanos >= 0) {
          if (awaitingFlush) {
            terminate(); // the client does not read its answers
          } else {
            respond(504, callTimedOut());
          }
        }
      }
      case HTTP, CLOSING, DRAINING -> {
        if (now - deadlineNanos >= 0) {
          terminate();
        }
      }
      case OPEN -> {
        long idle = now - lastReadNanos;
        if (idle >= options.idleTimeout().toNanos()) {
          close(CloseCodes.GOING_AWAY, "idle timeout");
        } else if (idle >= options.pingInterval().toNanos() && !pingOutstanding) {
          pingOutstanding = true;
          send(FrameEncoder.frame(FrameEncoder.OP_PING, new byte[0]));
        }
      }
      default -> {}
    }
  }

  private byte[] callTimedOut() {
    return HttpResponses.error(
        504,
        "timeout",
        "no answer within "
            + options.callTimeout().toMillis()
            + " ms; outcome unknown: the call may still complete",
        "unknown");
  }

  private long handshakeTimeoutNanos() {
    return Math.min(options.idleTimeout().toNanos(), options.requestTimeout().toNanos());
  }

  /** Closes the socket at once and tells the handler (loop thread; once). */
  void terminate() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    releaseBuffers();
    outbound.discard();
    loop.remove(this);
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {}", remote, e);
    }
    onTerminate.run();
    if (handler != null) {
      try {
        handler.onClosed(this);
      } catch (RuntimeException e) {
        LOG.warn("connection close handler failed", e);
      }
    }
  }
}
