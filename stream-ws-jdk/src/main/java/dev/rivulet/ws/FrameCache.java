package dev.rivulet.ws;

import dev.rivulet.StreamEvent;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Encodes each event's text frame once and hands the same read-only buffer to every subscriber. One
 * group's events reach all its subscribers one after the other on the group's lane, so a small
 * identity-keyed table is enough to hit for the whole fan-out of an event.
 */
final class FrameCache {
  private static final int SLOTS = 256;

  private record Entry(StreamEvent event, ByteBuffer frame) {}

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);
  private final AtomicLong encodings = new AtomicLong();

  ByteBuffer frameFor(StreamEvent event) {
    int slot = System.identityHashCode(event) & (SLOTS - 1);
    Entry entry = slots.get(slot);
    if (entry != null && entry.event == event) {
      return entry.frame;
    }
    ByteBuffer frame = FrameEncoder.frame(FrameEncoder.OP_TEXT, event.toJsonBytes());
    encodings.incrementAndGet();
    slots.set(slot, new Entry(event, frame));
    return frame;
  }

  /** How many frames were encoded (for tests and metrics). */
  long encodings() {
    return encodings.get();
  }
}
