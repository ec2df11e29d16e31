/** Rivulet Redis adapter: Redis / Redis Cluster storage with cross-instance pub/sub fan-out. */
module dev.rivulet.redis {
  requires transitive dev.rivulet.core;
  requires redis.clients.jedis;
  requires org.apache.commons.pool2;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.rivulet.redis;
}
