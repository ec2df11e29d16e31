package dev.rivulet;

import dev.rivulet.spi.Event;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Turns the SPI's events into the API's {@link StreamEvent}, once per event object: an in-process
 * store reports one {@link Event} to {@code committed} (triggers) and then to {@code event}
 * (subscribers), and its history replays the same objects, so a small identity-keyed table of the
 * recent ones lets all of them share one {@link StreamEvent} and so one JSON and one serialization.
 * A miss (another event took the slot) only costs a second view, never a wrong one.
 */
final class EventViews {
  private static final int SLOTS = 256;

  private final AtomicReferenceArray<StreamEvent> slots = new AtomicReferenceArray<>(SLOTS);

  /** The view of {@code event}: the recent one made for the same object, else a new one. */
  StreamEvent of(Event event) {
    int slot = System.identityHashCode(event) & (SLOTS - 1);
    StreamEvent view = slots.get(slot);
    if (view != null && view.spi() == event) {
      return view;
    }
    view = StreamEvent.of(event);
    slots.set(slot, view);
    return view;
  }
}
