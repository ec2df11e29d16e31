package dev.rivulet.redis;

import dev.rivulet.redis.testing.RedisServerProcess;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.Jedis;

/** The core adapter contract against a real standalone redis-server. */
class RedisAdapterContractTest extends StorageAdapterContract {
  private static RedisServerProcess server;

  @BeforeAll
  static void startRedis() {
    server = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected StorageAdapter createAdapter() {
    try (Jedis jedis = server.jedis()) {
      jedis.flushAll();
    }
    return RedisAdapter.builder().url(server.url()).build();
  }
}
