package dev.rivulet.redis;

import dev.rivulet.spi.GroupKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** One lock per group, created on demand and dropped when nobody holds or waits for it. */
final class GroupLocks {
  private static final class Counted {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final ConcurrentHashMap<GroupKey, Counted> locks = new ConcurrentHashMap<>();

  void lock(GroupKey group) {
    Counted c =
        locks.compute(
            group,
            (g, old) -> {
              Counted result = old == null ? new Counted() : old;
              result.users++;
              return result;
            });
    c.lock.lock();
  }

  void unlock(GroupKey group) {
    Counted c = locks.get(group);
    c.lock.unlock();
    locks.computeIfPresent(group, (g, old) -> --old.users == 0 ? null : old);
  }
}
