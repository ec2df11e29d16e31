package dev.rivulet.spi;

import dev.rivulet.StreamEvent;

/**
 * Carries events to every engine instance that has subscribers of a group. {@link #publish} is
 * called from the adapter's {@link CommitListener}, so in {@code seq} order per group and while the
 * writer waits: it must be quick. Events of a group reach the sink only while that group is
 * subscribed.
 */
public interface EventTransport extends AutoCloseable {

  /** Starts delivering events to {@code sink}; called once by the engine. */
  void start(EventSink sink);

  /** Sends a committed event to every instance subscribed to its group (this one included). */
  void publish(StreamEvent event);

  /**
   * Starts receiving the group's events (the engine calls it when the first local subscriber
   * joins).
   */
  void subscribe(GroupKey group);

  /** Stops receiving the group's events (the last local subscriber left). */
  void unsubscribe(GroupKey group);

  @Override
  void close();

  /** A transport that hands each published event straight to this process's sink. */
  static EventTransport inProcess() {
    return new InProcessTransport();
  }
}
