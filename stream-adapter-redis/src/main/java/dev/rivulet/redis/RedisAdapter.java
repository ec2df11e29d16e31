package dev.rivulet.redis;

import dev.rivulet.StreamException;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.StorageAdapter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Entry point of the Redis storage adapter: items in Redis (standalone or Cluster), events fanned
 * out to every instance through Redis pub/sub (one channel per group, sharded pub/sub on Cluster),
 * each {@code seq} assigned in Redis atomically with its write. Triggers fire once, on the instance
 * that made the write.
 *
 * <pre>{@code
 * StorageAdapter redis = RedisAdapter.builder().url("redis://127.0.0.1:6379").build();
 * StreamEngine engine = StreamEngine.builder().storage(redis).build();
 * }</pre>
 */
public final class RedisAdapter {
  private RedisAdapter() {}

  /**
   * A builder with the defaults: key prefix {@code rivulet}, 16 pooled connections, a 2 s timeout,
   * no near-cache, the default event history. {@link Builder#url} or {@link Builder#cluster} must
   * be set before {@link Builder#build()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Validated settings; {@link #build()} connects. Each setter checks its argument at once and
   * throws a {@link StreamException} with code {@code invalid_argument} when it is out of range.
   * Not thread-safe.
   */
  public static final class Builder {
    private URI url;
    private List<HostAndPort> cluster;
    private String keyPrefix = "rivulet";
    private int poolSize = 16;
    private Duration timeout = Duration.ofSeconds(2);
    private int nearCache;
    private EventHistory.Limits history = EventHistory.Limits.defaults();
    private Duration presenceTtl = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * A standalone server, {@code redis://[user:password@]host:port[/db]} ({@code rediss://} for
     * TLS). Replaces an earlier {@link #cluster} setting.
     *
     * @param redisUrl the server's URL; not null
     * @return this builder
     */
    public Builder url(String redisUrl) {
      Objects.requireNonNull(redisUrl, "redisUrl");
      URI uri;
      try {
        uri = new URI(redisUrl);
      } catch (URISyntaxException e) {
        throw invalid("url", redisUrl, e.getMessage());
      }
      if (!JedisURIHelper.isValid(uri)
          || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
        throw invalid("url", redisUrl, "expected redis://host:port[/db]");
      }
      this.url = uri;
      this.cluster = null;
      return this;
    }

    /**
     * Redis Cluster seed nodes, each {@code host:port}; the rest of the cluster is discovered from
     * them. Replaces an earlier {@link #url} setting.
     *
     * @param hostPorts at least one seed node; not null
     * @return this builder
     */
    public Builder cluster(List<String> hostPorts) {
      Objects.requireNonNull(hostPorts, "hostPorts");
      if (hostPorts.isEmpty()) {
        throw invalid("cluster", hostPorts, "at least one seed node is needed");
      }
      List<HostAndPort> nodes = new ArrayList<>();
      for (String hostPort : hostPorts) {
        try {
          nodes.add(HostAndPort.from(Objects.requireNonNull(hostPort, "hostPort")));
        } catch (RuntimeException e) {
          throw invalid("cluster", hostPort, "expected host:port");
        }
      }
      this.cluster = List.copyOf(nodes);
      this.url = null;
      return this;
    }

    /**
     * Prefix of every key and channel (default {@code rivulet}), so that several deployments can
     * share one database; no braces, since those select the Cluster hash slot.
     *
     * @param prefix 1 … 128 characters without <code>&#123;</code> or <code>&#125;</code>; not null
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()
          || prefix.length() > 128
          || prefix.contains("{")
          || prefix.contains("}")) {
        throw invalid("keyPrefix", prefix, "1..128 characters without '{' or '}'");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * Maximum pooled command connections (per node on Cluster), default 16. The pub/sub fan-out
     * uses its own connections.
     *
     * @param size the pool size, 1 … 1 024
     * @return this builder
     */
    public Builder poolSize(int size) {
      if (size < 1 || size > 1024) {
        throw invalid("poolSize", size, "1..1024");
      }
      this.poolSize = size;
      return this;
    }

    /**
     * Connect/read timeout of every command and of waiting for a pooled connection (default 2s). A
     * command that times out fails with a {@code STREAM_*_ERROR}.
     *
     * @param timeout the timeout, 10 ms … 10 min; not null
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toMillis() < 10 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw invalid("timeout", timeout, "10ms..10min");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Enables the near-cache of at most {@code maxItems} items (off by default). Only items of
     * groups that have local subscribers are served from it, kept coherent through the pub/sub
     * events: a read may lag a write of another instance by the pub/sub delivery delay.
     *
     * @param maxItems the most items cached, at least 1
     * @return this builder
     */
    public Builder nearCache(int maxItems) {
      if (maxItems < 1) {
        throw invalid("nearCache", maxItems, "at least 1 item");
      }
      this.nearCache = maxItems;
      return this;
    }

    /**
     * How many recent events each group keeps in Redis for subscribers that resume with {@code
     * since} (default 1000 events / 5 minutes; {@code maxEvents} 0 keeps none). All instances on
     * one Redis should use the same setting.
     *
     * @param maxEvents events kept per group, 0 … 1 000 000
     * @param maxAge the age beyond which events are no longer kept, 1 ms … 7 days; not null
     * @return this builder
     */
    public Builder history(int maxEvents, Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxEvents < 0 || maxEvents > 1_000_000) {
        throw invalid("history", maxEvents, "maxEvents 0..1000000");
      }
      if (maxAge.toMillis() < 1 || maxAge.compareTo(Duration.ofDays(7)) > 0) {
        throw invalid("history", maxAge, "maxAge 1ms..7 days");
      }
      this.history = new EventHistory.Limits(maxEvents, maxAge);
      return this;
    }

    /**
     * How long a presence entry ({@code stream::presence}) outlives the last refresh of its
     * instance (default 30 s). Each instance refreshes its own entries every third of it, so the
     * subscribers of an instance that died without leaving are dropped within this time. All
     * instances on one Redis should use the same setting.
     *
     * @param ttl the time, 100 ms … 1 h; not null
     * @return this builder
     */
    public Builder presenceTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toMillis() < 100 || ttl.compareTo(Duration.ofHours(1)) > 0) {
        throw invalid("presenceTtl", ttl, "100ms..1h");
      }
      this.presenceTtl = ttl;
      return this;
    }

    private static StreamException invalid(String setter, Object value, String expected) {
      return new StreamException(
          StreamException.INVALID_ARGUMENT,
          "RedisAdapter." + setter + ": bad value " + value + " (" + expected + ")");
    }

    /**
     * Connects (PING) and returns the adapter; it delivers events across instances over pub/sub.
     * The engine closes the adapter, and with it its connections, on {@code StreamEngine.close()}.
     *
     * @return the connected adapter, to pass to {@code StreamEngine.Builder.storage}
     * @throws StreamException {@code invalid_argument} when neither {@link #url} nor {@link
     *     #cluster} was set, {@code STREAM_CONNECTION_ERROR} when the server cannot be reached
     */
    public StorageAdapter build() {
      if (url == null && cluster == null) {
        throw new StreamException(
            StreamException.INVALID_ARGUMENT, "RedisAdapter: set url(...) or cluster(...)");
      }
      int millis = (int) timeout.toMillis();
      DefaultJedisClientConfig.Builder config =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(millis)
              .socketTimeoutMillis(millis)
              .clientName("rivulet");
      String where;
      if (url != null) {
        config
            .user(JedisURIHelper.getUser(url))
            .password(JedisURIHelper.getPassword(url))
            .database(JedisURIHelper.getDBIndex(url))
            .ssl(JedisURIHelper.isRedisSSLScheme(url));
        where = url.getScheme() + "://" + url.getHost() + ":" + url.getPort();
      } else {
        where = "cluster " + cluster;
      }
      JedisClientConfig clientConfig = config.build();
      GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
      pool.setMaxTotal(poolSize);
      pool.setMaxIdle(poolSize);
      pool.setMinIdle(0);
      pool.setMaxWait(timeout);
      pool.setJmxEnabled(false);
      UnifiedJedis redis = null;
      try {
        Function<String, HostAndPort> nodeOf;
        if (url != null) {
          HostAndPort node = JedisURIHelper.getHostAndPort(url);
          redis = new JedisPooled(node, clientConfig, pool);
          nodeOf = channel -> node;
        } else {
          Set<HostAndPort> seeds = new HashSet<>(cluster);
          JedisCluster jc = new JedisCluster(seeds, clientConfig, 2, timeout.multipliedBy(2), pool);
          redis = jc;
          nodeOf = new SlotMap(jc)::nodeOf;
        }
        redis.ping();
        Keys keys = new Keys(keyPrefix);
        NearCache cache = nearCache > 0 ? new NearCache(nearCache) : null;
        RedisTransport transport =
            new RedisTransport(redis, keys, clientConfig, nodeOf, timeout, cache);
        return new RedisStorage(
            redis, cluster != null, keys, transport, cache, history, presenceTtl);
      } catch (JedisException e) {
        if (redis != null) {
          redis.close();
        }
        throw new StreamException(
            "STREAM_CONNECTION_ERROR",
            "Cannot connect to Redis at " + where + ": " + e.getMessage(),
            e);
      }
    }
  }
}
