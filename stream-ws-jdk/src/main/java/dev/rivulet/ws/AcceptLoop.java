package dev.rivulet.ws;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a {@link StreamWebSocketServer}: accepts on the first selector loop,
 * spreads new connections round-robin over all loops, answers 503 beyond the connection limit, and
 * backs off when {@code accept} fails (EMFILE …) instead of spinning.
 */
final class AcceptLoop {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptLoop.class);

  /** Replaces {@code server.accept()} in tests (e.g. to inject EMFILE). */
  interface Acceptor {
    SocketChannel accept(ServerSocketChannel server) throws IOException;
  }

  private final ServerOptions options;
  private final List<SelectorLoop> loops;
  private final RequestRouter router;
  private final RequestBudget budget;
  private final ServerCounters counters;
  private final AtomicInteger connections;
  private final int connectionLimit;
  private final Acceptor acceptor;
  private final AcceptBackoff backoff = new AcceptBackoff();
  private final ServerSocketChannel server;
  private SelectionKey acceptKey;
  private int next;

  AcceptLoop(
      ServerOptions options,
      List<SelectorLoop> loops,
      RequestRouter router,
      RequestBudget budget,
      ServerCounters counters,
      AtomicInteger connections,
      int connectionLimit,
      Acceptor acceptor)
      throws IOException {
    this.options = options;
    this.loops = loops;
    this.router = router;
    this.budget = budget;
    this.counters = counters;
    this.connections = connections;
    this.connectionLimit = connectionLimit;
    this.acceptor = acceptor;
    this.server = ServerSocketChannel.open();
  }

  /** Binds and registers with the first loop (not started yet); returns the bound port. */
  int bind() throws IOException {
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress(options.host(), options.port()), 1024);
    server.configureBlocking(false);
    SelectorLoop acceptLoop = loops.get(0);
    acceptKey =
        server.register(
            acceptLoop.selector,
            SelectionKey.OP_ACCEPT,
            (SelectorLoop.SelectorTask) k -> accept(acceptLoop));
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /** Stops accepting; idempotent. */
  void close() {
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing the listening socket", e);
    }
  }

  private void accept(SelectorLoop acceptLoop) {
    for (int i = 0; i < 1_000; i++) { // bounded: let the loop's other work run
      SocketChannel channel;
      try {
        channel = acceptor.accept(server);
        backoff.succeeded();
        if (channel == null) {
          return;
        }
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
      hand(channel);
    }
  }

  /** Gives the accepted channel to the next loop; beyond the limit it gets 503 and is closed. */
  private void hand(SocketChannel channel) {
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
                503, HttpResponses.error(503, "too_many_connections", "connection limit reached"));
          }
        });
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
}
