package dev.rivulet.redis.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * Three real redis-server nodes joined by {@code redis-cli --cluster create}, no replicas; closed
 * node by node.
 */
public final class RedisClusterProcess implements AutoCloseable {
  private final List<RedisServerProcess> nodes = new ArrayList<>();

  public static RedisClusterProcess start() {
    RedisClusterProcess cluster = new RedisClusterProcess();
    try {
      for (int i = 0; i < 3; i++) {
        int port = RedisServerProcess.freeClusterPort();
        cluster.nodes.add(
            RedisServerProcess.start(
                port,
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + port + ".conf",
                "--cluster-node-timeout",
                "5000"));
      }
      List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      command.addAll(cluster.seeds());
      command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
      }
      for (RedisServerProcess node : cluster.nodes) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  try (Jedis jedis = node.jedis()) {
                    return jedis.clusterInfo().contains("cluster_state:ok");
                  }
                });
      }
      return cluster;
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      cluster.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The nodes as {@code 127.0.0.1:port}, for {@code RedisAdapter.Builder#cluster}. */
  public List<String> seeds() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList();
  }

  public void flushAll() {
    for (RedisServerProcess node : nodes) {
      try (Jedis jedis = node.jedis()) {
        jedis.flushAll();
      }
    }
  }

  @Override
  public void close() {
    nodes.forEach(RedisServerProcess::close);
  }
}
