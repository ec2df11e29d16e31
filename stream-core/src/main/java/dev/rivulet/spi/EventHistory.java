package dev.rivulet.spi;

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
 * {@code since} can be replayed what it missed. Thread-safe (every method synchronizes on the
 * history); adapters keep one per group, call {@link #record} from their commit path, in {@code
 * seq} order, and answer {@link StorageAdapter#eventsSince} with {@link #since}. A history never
 * holds a hole: an event whose {@code seq} does not follow the last one's clears it first.
 */
public final class EventHistory {
  private final int maxEvents;
  private final long maxAgeMillis;
  private final LongSupplier clock;
  private final ArrayDeque<Event> events = new ArrayDeque<>();

  /**
   * How much history to keep; {@code maxEvents = 0} keeps none. Events older than {@code maxAge}
   * (by their timestamp against the history's clock) are dropped as the history is used.
   *
   * @param maxEvents the most events kept per group, at least 0
   * @param maxAge the oldest event kept, measured from the clock's now; not negative, never null
   */
  public record Limits(int maxEvents, Duration maxAge) {
    /**
     * Checks the limits.
     *
     * @param maxEvents the most events kept per group, at least 0
     * @param maxAge the oldest event kept; not negative, never null
     * @throws IllegalArgumentException when {@code maxEvents} or {@code maxAge} is negative
     * @throws NullPointerException when {@code maxAge} is null
     */
    public Limits {
      if (maxEvents < 0) {
        throw new IllegalArgumentException("maxEvents must be >= 0, got " + maxEvents);
      }
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
      }
    }

    /**
     * 1 000 events or 5 minutes per group, whichever is smaller.
     *
     * @return {@code new Limits(1000, Duration.ofMinutes(5))}
     */
    public static Limits defaults() {
      return new Limits(1000, Duration.ofMinutes(5));
    }
  }

  /**
   * An empty history.
   *
   * @param limits how much to keep; never null
   * @param clock now in epoch milliseconds, the same clock that stamps the group's events; never
   *     null
   * @throws NullPointerException when {@code limits} or {@code clock} is null
   */
  public EventHistory(Limits limits, LongSupplier clock) {
    this.maxEvents = limits.maxEvents();
    this.maxAgeMillis = limits.maxAge().toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Appends the group's next event. Its {@code seq} should follow the previous one's; when it does
   * not, the history is cleared first and starts again at this event. Then the oldest events beyond
   * the limits are dropped. With {@code maxEvents = 0} it does nothing.
   *
   * @param event the event just committed; never null
   */
  public synchronized void record(Event event) {
    if (maxEvents == 0) {
      return;
    }
    Event last = events.peekLast();
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
   *
   * @param since the last {@code seq} the subscriber saw; a negative value or one above {@code
   *     currentSeq} gives empty
   * @param currentSeq the group's current {@code seq}
   * @return the events in {@code seq} order (an empty list when {@code since == currentSeq}), or
   *     empty when some of them are no longer held
   */
  public synchronized Optional<List<Event>> since(long since, long currentSeq) {
    if (since > currentSeq || since < 0) {
      return Optional.empty();
    }
    if (since == currentSeq) {
      return Optional.of(List.of());
    }
    expire();
    Event first = events.peekFirst();
    Event last = events.peekLast();
    if (first == null || first.seq() > since + 1 || last.seq() < currentSeq) {
      return Optional.empty();
    }
    List<Event> result = new ArrayList<>();
    for (Event event : events) {
      if (event.seq() > since && event.seq() <= currentSeq) {
        result.add(event);
      }
    }
    return Optional.of(result);
  }

  private void expire() {
    long oldest = clock.getAsLong() - maxAgeMillis;
    Iterator<Event> it = events.iterator();
    while (it.hasNext() && it.next().timestamp() < oldest) {
      it.remove();
    }
  }
}
