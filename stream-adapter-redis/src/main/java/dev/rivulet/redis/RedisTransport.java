package dev.rivulet.redis;

import dev.rivulet.spi.Event;
import dev.rivulet.spi.EventSink;
import dev.rivulet.spi.GroupKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Cross-instance fan-out over Redis sharded pub/sub: one channel per group, subscribed while this
 * instance has local subscribers of the group, one {@link PubSubLink} (connection + thread) per
 * Redis node that owns a subscribed channel.
 *
 * <p>Every event (set, update, delete and the custom events and override changes of {@code send})
 * is published by the write script itself, atomically with the commit, so in commit order across
 * instances; this class only receives: it hands each event of a subscribed group to the engine's
 * {@link EventSink#event} from the link's thread, and reports a link loss with {@link
 * EventSink#lost}.
 */
final class RedisTransport implements PubSubLink.Receiver {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTransport.class);

  private final UnifiedJedis redis;
  private final Keys keys;
  private final JedisClientConfig config;
  private final Function<String, HostAndPort> nodeOf;
  private final Duration timeout;
  private final Duration stale;
  private final String instance = UUID.randomUUID().toString();
  private final ConcurrentHashMap<HostAndPort, PubSubLink> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, GroupKey> channels = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeats;
  private final NearCache cache;
  private volatile EventSink sink;
  private volatile boolean closed;

  RedisTransport(
      UnifiedJedis redis,
      Keys keys,
      JedisClientConfig config,
      Function<String, HostAndPort> nodeOf,
      Duration timeout,
      NearCache cache) {
    this.redis = redis;
    this.keys = keys;
    this.config = config;
    this.nodeOf = nodeOf;
    this.timeout = timeout;
    this.cache = cache;
    long beatMillis = Math.max(100, Math.min(1000, timeout.toMillis() / 2));
    this.stale = Duration.ofMillis(beatMillis * 3);
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rivulet-redis-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeats.scheduleWithFixedDelay(this::beat, beatMillis, beatMillis, TimeUnit.MILLISECONDS);
  }

  /** Longest time a dead pub/sub connection can go unnoticed. */
  Duration stalePeriod() {
    return stale;
  }

  /** Where received events go from now on. */
  void start(EventSink sink) {
    this.sink = sink;
  }

  private void publishRaw(String channel, String message) {
    redis.sendCommand(
        channel.getBytes(StandardCharsets.UTF_8),
        Protocol.Command.SPUBLISH,
        channel.getBytes(StandardCharsets.UTF_8),
        message.getBytes(StandardCharsets.UTF_8));
  }

  /** Starts receiving the group's events (the first local subscriber joined). */
  void subscribe(GroupKey group) {
    if (closed) {
      return;
    }
    String channel = keys.channel(group);
    channels.put(channel, group);
    HostAndPort node = nodeOf.apply(channel);
    PubSubLink link =
        links.computeIfAbsent(
            node, n -> new PubSubLink(n, config, keys.heartbeat(group, instance), this, stale));
    link.subscribe(channel, timeout);
  }

  /** Stops receiving the group's events (the last local subscriber left). */
  void unsubscribe(GroupKey group) {
    String channel = keys.channel(group);
    channels.remove(channel);
    if (cache != null) {
      cache.invalidate(group);
    }
    for (PubSubLink link : links.values()) {
      link.unsubscribe(channel);
    }
  }

  /** Whether events of the group currently reach this instance (used by the near-cache). */
  boolean live(GroupKey group) {
    String channel = keys.channel(group);
    if (!channels.containsKey(channel)) {
      return false;
    }
    PubSubLink link = links.get(nodeOf.apply(channel));
    return link != null && link.ready();
  }

  @Override
  public void message(String channel, String message) {
    GroupKey group = channels.get(channel);
    EventSink target = sink;
    if (group == null || target == null) {
      return;
    }
    Event event;
    try {
      event = EventCodec.decode(group, message);
    } catch (Exception e) {
      LOG.warn("undecodable event on {}: {}", channel, e.getMessage());
      lost(channel);
      return;
    }
    if (cache != null) {
      cache.apply(event);
    }
    target.event(event);
  }

  @Override
  public void lost(String channel) {
    GroupKey group = channels.get(channel);
    EventSink target = sink;
    if (group == null) {
      return;
    }
    if (cache != null) {
      cache.invalidate(group);
    }
    if (target != null) {
      target.lost(group);
    }
  }

  @Override
  public void dropped(String channel) {
    GroupKey group = channels.get(channel);
    if (group != null && cache != null) {
      cache.invalidate(group);
    }
  }

  private void beat() {
    for (PubSubLink link : links.values()) {
      try {
        if (link.ready()) {
          publishRaw(link.heartbeatChannel(), "");
        }
      } catch (JedisException e) {
        LOG.debug("heartbeat failed: {}", e.getMessage());
      }
      link.watchdog();
    }
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    heartbeats.shutdownNow();
    links.values().forEach(PubSubLink::close);
    links.clear();
    channels.clear();
    sink = null;
  }
}
