package dev.rivulet;

/**
 * Receives a subscription's events: a functional interface, so a lambda {@code event -> …} is a
 * listener. Events come in {@code seq} order, with no gap and no duplicate.
 *
 * <p>Threads: callbacks run on the engine's executor, never on the writer's thread, and never
 * concurrently for one subscription. A callback that throws is logged; the subscription goes on.
 * Keep callbacks short: a slow listener delays the other subscribers of the same group. When more
 * events wait for the group's subscribers than the engine's bound ({@code
 * StreamEngine.Builder.subscriberQueueLimit}, default 10 000), the waiting events are dropped and
 * each subscription gets {@link #onSnapshot} with {@code resync = true}, then live events again.
 */
@FunctionalInterface
public interface StreamListener {

  /**
   * A change (create, update, delete) or custom event committed after the last snapshot; for an
   * item subscription only those of the item.
   *
   * @param event the event; its {@code seq} is above that of the snapshot and of every earlier
   *     event of this subscription
   */
  void onEvent(StreamEvent event);

  /**
   * The starting state: called first, and again whenever the engine had to re-synchronize the
   * subscription (a transport lost events, or the group's subscribers fell too far behind); {@code
   * resync} tells which. Ignored by default: a listener that keeps state should override it.
   *
   * @param snapshot the state to start from; later events have a higher {@code seq}
   * @param resync false for the first snapshot of the subscription, true when it replaces state the
   *     listener already has
   */
  default void onSnapshot(Snapshot snapshot, boolean resync) {}

  /**
   * Called first instead of {@link #onSnapshot} when a subscription made with {@code since} was
   * resumed from the group's history, and later when events a transport lost could be recovered
   * from that history: every event after {@code since} follows, in order. Ignored by default.
   *
   * @param since the {@code seq} after which the replayed events start
   */
  default void onResumed(long since) {}

  /**
   * The terminal callback: called once, last, when the subscription ends, whether by {@link
   * Subscription#close()} or because the engine was closed. No callback follows it. Ignored by
   * default.
   */
  default void onClosed() {}
}
