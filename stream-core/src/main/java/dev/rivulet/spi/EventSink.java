package dev.rivulet.spi;

import dev.rivulet.StreamEvent;

/** The engine's receiving end of an {@link EventTransport}. */
public interface EventSink {
  /**
   * An event of a subscribed group, from this or another instance. Events of one group should
   * arrive in {@code seq} order; the engine drops duplicates and re-synchronizes its subscribers
   * when it sees a gap.
   */
  void event(StreamEvent event);

  /**
   * The transport may have lost events of this group (for example after a reconnect): the engine
   * brings every subscriber of the group back to the stored state.
   */
  void lost(GroupKey group);
}
