package dev.rivulet.spi;

/**
 * Told about every committed change of a group, in {@code seq} order.
 *
 * <p>Contract for adapters: call {@link #committed} exactly once per committed change (not for
 * {@link Change#nothing}), before the write method returns, never concurrently for the same group,
 * and in {@code seq} order per group: in-process adapters call it while still holding the group's
 * lock. Contract for the engine: the listener is fast, never blocks and never calls back into the
 * adapter.
 */
@FunctionalInterface
public interface CommitListener {
  void committed(Change change);
}
