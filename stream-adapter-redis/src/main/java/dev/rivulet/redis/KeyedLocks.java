package dev.rivulet.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** One lock per key, created on demand and dropped when nobody holds or waits for it. */
final class KeyedLocks<K> {
  private static final class Counted {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final ConcurrentHashMap<K, Counted> locks = new ConcurrentHashMap<>();

  void lock(K key) {
    Counted c =
        locks.compute(
            key,
            (k, old) -> {
              Counted result = old == null ? new Counted() : old;
              result.users++;
              return result;
            });
    c.lock.lock();
  }

  void unlock(K key) {
    Counted c = locks.get(key);
    c.lock.unlock();
    locks.computeIfPresent(key, (k, old) -> --old.users == 0 ? null : old);
  }
}
