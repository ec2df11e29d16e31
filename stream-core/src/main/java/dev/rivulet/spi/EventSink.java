package dev.rivulet.spi;

/**
 * Where a {@link StorageAdapter} reports to the engine; given once by {@link StorageAdapter#start}.
 * The engine's methods only queue work and count: they never block and never call back into the
 * adapter, so an adapter may call them while it holds a group's lock.
 */
public interface EventSink {
  /**
   * A change this instance committed (a write of this adapter object, not one of another instance
   * seen through a transport): the engine fires its {@code stream} triggers and counts it. Called
   * exactly once per committed change (never for {@link Change#nothing}), before the write method
   * returns, in {@code seq} order per group and never concurrently for one group; a write that
   * throws must not have been reported.
   *
   * @param event the committed change's event, as built by {@link Change#event()} or {@link
   *     Change#event(Notice)}; never null
   */
  void committed(Event event);

  /**
   * An event for this instance's subscribers of a group the engine {@linkplain
   * StorageAdapter#subscribe subscribed} to, committed by this or another instance. Events of one
   * group should arrive in {@code seq} order; the engine drops duplicates and events of groups
   * nobody here listens to, and re-synchronizes its subscribers when it sees a gap. An in-process
   * store calls it right after {@link #committed} with the same event, on the writer's thread; a
   * transport may call it from its own thread.
   *
   * @param event the event to deliver; never null
   */
  void event(Event event);

  /**
   * Events of this group may have been lost (for example after a reconnect): the engine brings
   * every subscriber of the group back to the stored state.
   *
   * @param group the group whose events may be missing; never null
   */
  void lost(GroupKey group);
}
