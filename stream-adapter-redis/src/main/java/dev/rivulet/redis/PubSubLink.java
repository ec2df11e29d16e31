package dev.rivulet.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One sharded pub/sub connection to one Redis node, drained by its own thread ({@code
 * rivulet-redis-pubsub-<port>}). The connection always holds a private heartbeat channel (so it
 * never drops to zero subscriptions); the transport publishes to it regularly and {@link #watchdog}
 * closes a connection that stayed silent too long (a hung or unreachable server), which makes the
 * thread reconnect with backoff.
 *
 * <p>Confirmation rule: {@link #subscribe} waits for the server's confirmation; every confirmation
 * nobody waits for (a re-subscription after a reconnect, or one that came after the wait timed out)
 * is reported to {@link Receiver#lost}, so the engine re-synchronizes that group.
 */
final class PubSubLink {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubLink.class);

  /** Where the link delivers; called on the link's thread, must not block. */
  interface Receiver {
    void message(String channel, String message);

    void lost(String channel);

    /** The connection carrying {@code channel} broke (events may be missed until {@link #lost}). */
    void dropped(String channel);
  }

  private final HostAndPort node;
  private final JedisClientConfig config;
  private final String heartbeat;
  private final Receiver receiver;
  private final long staleNanos;
  private final Object lock = new Object();
  private final Set<String> desired = new HashSet<>();
  private final ConcurrentHashMap<String, CompletableFuture<Void>> waiters =
      new ConcurrentHashMap<>();
  private final Thread thread;
  // guarded by lock
  private Handler handler;
  private Set<String> sent = new HashSet<>();
  private boolean ready;
  private volatile long lastActivity = System.nanoTime();
  private volatile boolean closed;

  PubSubLink(
      HostAndPort node,
      JedisClientConfig config,
      String heartbeat,
      Receiver receiver,
      Duration stale) {
    this.node = node;
    this.config = config;
    this.heartbeat = heartbeat;
    this.receiver = receiver;
    this.staleNanos = stale.toNanos();
    this.thread = new Thread(this::run, "rivulet-redis-pubsub-" + node.getPort());
    thread.setDaemon(true);
    thread.start();
  }

  String heartbeatChannel() {
    return heartbeat;
  }

  boolean ready() {
    synchronized (lock) {
      return ready;
    }
  }

  /** Subscribes and waits up to {@code wait} for the server's confirmation. */
  void subscribe(String channel, Duration wait) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    waiters.put(channel, confirmed);
    synchronized (lock) {
      desired.add(channel);
      if (ready && sent.add(channel)) {
        send(() -> handler.ssubscribe(channel));
      }
    }
    try {
      confirmed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      waiters.remove(channel, confirmed); // a later confirmation reports lost()
      LOG.debug("subscription of {} not confirmed within {}", channel, wait);
    } catch (InterruptedException e) {
      waiters.remove(channel, confirmed);
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  void unsubscribe(String channel) {
    synchronized (lock) {
      desired.remove(channel);
      if (ready && sent.remove(channel)) {
        send(() -> handler.sunsubscribe(channel));
      }
    }
  }

  boolean idle() {
    synchronized (lock) {
      return desired.isEmpty();
    }
  }

  /** Called with the lock held; a failed write is noticed by the reader thread. */
  private void send(Runnable command) {
    try {
      command.run();
    } catch (JedisException e) {
      LOG.debug("pub/sub command to {} failed", node, e);
    }
  }

  /** Closes a connection that has been silent longer than the stale period. */
  void watchdog() {
    Handler current;
    synchronized (lock) {
      current = handler;
    }
    if (current != null && System.nanoTime() - lastActivity > staleNanos) {
      LOG.warn("pub/sub connection to {} silent for too long: reconnecting", node);
      current.connection.disconnect();
    }
  }

  private void run() {
    long backoff = 50;
    while (!closed) {
      Connection connection = null;
      boolean wasReady = false;
      try {
        lastActivity = System.nanoTime();
        connection = new Connection(node, config);
        List<String> initial = new ArrayList<>();
        initial.add(heartbeat);
        Handler h = new Handler(connection);
        synchronized (lock) {
          if (closed) {
            break;
          }
          initial.addAll(desired);
          sent = new HashSet<>(desired);
          handler = h;
        }
        lastActivity = System.nanoTime();
        h.proceed(connection, initial.toArray(new String[0]));
      } catch (JedisException | IllegalStateException e) {
        if (!closed) {
          LOG.warn("pub/sub connection to {} lost: {}", node, e.getMessage());
        }
      } finally {
        Set<String> affected;
        synchronized (lock) {
          wasReady = ready;
          ready = false;
          handler = null;
          affected = new HashSet<>(sent);
        }
        affected.forEach(receiver::dropped);
        if (connection != null) {
          connection.disconnect();
        }
      }
      if (closed) {
        break;
      }
      backoff = wasReady ? 50 : Math.min(backoff * 2, 2000);
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  void close() {
    closed = true;
    Handler current;
    synchronized (lock) {
      current = handler;
    }
    if (current != null) {
      current.connection.disconnect();
    }
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The pub/sub state of one connection (a fresh one per connection). */
  private final class Handler extends JedisShardedPubSub {
    final Connection connection;

    Handler(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void onSMessage(String channel, String message) {
      lastActivity = System.nanoTime();
      if (!channel.equals(heartbeat)) {
        receiver.message(channel, message);
      }
    }

    @Override
    public void onSSubscribe(String channel, int subscribedChannels) {
      lastActivity = System.nanoTime();
      if (channel.equals(heartbeat)) {
        synchronized (lock) {
          if (handler != this) {
            return;
          }
          ready = true;
          for (String missing : desired) {
            if (sent.add(missing)) {
              send(() -> ssubscribe(missing));
            }
          }
        }
        return;
      }
      CompletableFuture<Void> waiter = waiters.remove(channel);
      if (waiter != null) {
        waiter.complete(null);
      } else {
        receiver.lost(channel);
      }
    }

    @Override
    public void onSUnsubscribe(String channel, int subscribedChannels) {
      lastActivity = System.nanoTime();
    }
  }
}
