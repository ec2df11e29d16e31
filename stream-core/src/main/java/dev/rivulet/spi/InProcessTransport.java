package dev.rivulet.spi;

import dev.rivulet.StreamEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Delivers events within one process; groups nobody subscribed to cost one map lookup. */
final class InProcessTransport implements EventTransport {
  private final Set<GroupKey> subscribed = ConcurrentHashMap.newKeySet();
  private volatile EventSink sink;

  @Override
  public void start(EventSink sink) {
    this.sink = sink;
  }

  @Override
  public void publish(StreamEvent event) {
    EventSink target = sink;
    if (target != null && subscribed.contains(event.group())) {
      target.event(event);
    }
  }

  @Override
  public void subscribe(GroupKey group) {
    subscribed.add(group);
  }

  @Override
  public void unsubscribe(GroupKey group) {
    subscribed.remove(group);
  }

  @Override
  public void close() {
    sink = null;
  }
}
