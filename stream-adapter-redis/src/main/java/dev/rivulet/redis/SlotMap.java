package dev.rivulet.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Which Cluster node owns a channel's slot (from {@code CLUSTER SLOTS}, refreshed on a miss). */
final class SlotMap {
  private final JedisCluster cluster;
  private volatile HostAndPort[] owners = new HostAndPort[16384];

  SlotMap(JedisCluster cluster) {
    this.cluster = cluster;
  }

  HostAndPort nodeOf(String channel) {
    int slot = JedisClusterCRC16.getSlot(channel);
    HostAndPort owner = owners[slot];
    if (owner == null) {
      refresh();
      owner = owners[slot];
      if (owner == null) {
        throw new JedisException("no Cluster node serves slot " + slot);
      }
    }
    return owner;
  }

  private synchronized void refresh() {
    JedisException last = null;
    for (ConnectionPool pool : cluster.getClusterNodes().values()) {
      try (Connection connection = pool.getResource()) {
        List<?> slots =
            (List<?>) new Jedis(connection).sendCommand(Protocol.Command.CLUSTER, "SLOTS");
        HostAndPort[] fresh = new HostAndPort[16384];
        for (Object entry : slots) {
          List<?> range = (List<?>) entry;
          int from = ((Long) range.get(0)).intValue();
          int to = ((Long) range.get(1)).intValue();
          List<?> master = (List<?>) range.get(2);
          HostAndPort node =
              new HostAndPort(text(master.get(0)), ((Long) master.get(1)).intValue());
          for (int s = from; s <= to; s++) {
            fresh[s] = node;
          }
        }
        owners = fresh;
        return;
      } catch (JedisException e) {
        last = e;
      }
    }
    throw last != null ? last : new JedisException("no Cluster node reachable");
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8)
        : (String) value;
  }
}
