package dev.rivulet.redis;

import dev.rivulet.redis.testing.RedisExtension;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core adapter contract against a real standalone redis-server. */
class RedisAdapterContractTest extends StorageAdapterContract {
  @RegisterExtension static final RedisExtension redis = RedisExtension.perClass();

  @Override
  protected StorageAdapter createAdapter() {
    return redis.adapter(); // on a server emptied before each test
  }
}
