package dev.rivulet.spi;

import dev.rivulet.StreamEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The recent events of one group, bounded in count and age, so a subscriber that reconnects with
 * {@code since} can be replayed what it missed. Thread-safe; adapters keep one per group and call
 * {@link #record} from their commit path, in {@code seq} order.
 */
public final class EventHistory {
  private final int maxEvents;
  private final long maxAgeMillis;
  private final LongSupplier clock;
  private final ArrayDeque<StreamEvent> events = new ArrayDeque<>();

  /** How much history to keep; {@code maxEvents = 0} keeps none. */
  public record Limits(int maxEvents, Duration maxAge) {
    public Limits {
      if (maxEvents < 0) {
        throw new IllegalArgumentException("maxEvents must be >= 0, got " + maxEvents);
      }
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
      }
    }

    /** 1 000 events or 5 minutes per group, whichever is smaller. */
    public static Limits defaults() {
      return new Limits(1000, Duration.ofMinutes(5));
    }
  }

  public EventHistory(Limits limits, LongSupplier clock) {
    this.maxEvents = limits.maxEvents();
    this.maxAgeMillis = limits.maxAge().toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Appends the group's next event (its seq must follow the previous one's). */
  public synchronized void record(StreamEvent event) {
    if (maxEvents == 0) {
      return;
    }
    StreamEvent last = events.peekLast();
    if (last != null && event.seq() != last.seq() + 1) {
      events.clear(); // never keep a history with a hole in it
    }
    events.addLast(event);
    while (events.size() > maxEvents) {
      events.removeFirst();
    }
    expire();
  }

  /**
   * Every event with {@code seq > since} up to {@code currentSeq}, when the history still holds all
   * of them; empty when it does not (the caller then sends a snapshot instead).
   */
  public synchronized Optional<List<StreamEvent>> since(long since, long currentSeq) {
    if (since > currentSeq || since < 0) {
      return Optional.empty();
    }
    if (since == currentSeq) {
      return Optional.of(List.of());
    }
    expire();
    StreamEvent first = events.peekFirst();
    StreamEvent last = events.peekLast();
    if (first == null || first.seq() > since + 1 || last.seq() < currentSeq) {
      return Optional.empty();
    }
    List<StreamEvent> result = new ArrayList<>();
    for (StreamEvent event : events) {
      if (event.seq() > since && event.seq() <= currentSeq) {
        result.add(event);
      }
    }
    return Optional.of(result);
  }

  private void expire() {
    long oldest = clock.getAsLong() - maxAgeMillis;
    Iterator<StreamEvent> it = events.iterator();
    while (it.hasNext() && it.next().timestamp() < oldest) {
      it.remove();
    }
  }
}
