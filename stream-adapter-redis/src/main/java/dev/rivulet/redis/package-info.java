/**
 * The Redis store (Redis 7, standalone or Cluster): several engine processes sharing one Redis act
 * as one engine, with one {@code seq} order per group and live events on every instance. Build one
 * with {@link dev.rivulet.redis.RedisAdapter#builder()}.
 */
package dev.rivulet.redis;
