package dev.rivulet;

/**
 * A snapshot of an engine's counters since it started, in the style of Caffeine's {@code
 * CacheStats}: immutable, cheap to take, and subtracted with {@link #minus} to get the figures of
 * an interval. Counts are of this engine instance only (on Redis, other instances count their own).
 *
 * @param writes committed changes made through this engine (create, update, delete)
 * @param events events this engine committed: {@code writes} plus the custom events of {@code
 *     stream::send}
 * @param deliveries events handed to in-process listeners ({@link StreamListener#onEvent} calls,
 *     each WebSocket subscription of the binding is one such listener)
 * @param subscribers open in-process subscriptions now (a gauge, not a counter)
 * @param triggerFailures trigger handler or condition calls that failed
 * @param droppedInvocations trigger invocations dropped because their group's lane was full
 * @param listenerFailures listener callbacks that threw
 * @param resyncs times a group lane of subscribers overflowed its bound, so that its subscribers
 *     were re-synchronized with a snapshot (a starting subscription whose buffer of early events
 *     overflowed counts once too)
 */
public record EngineStats(
    long writes,
    long events,
    long deliveries,
    long subscribers,
    long triggerFailures,
    long droppedInvocations,
    long listenerFailures,
    long resyncs) {

  /**
   * The counts between {@code earlier} and this snapshot ({@code subscribers} stays this one's,
   * being a gauge); never negative.
   *
   * @param earlier a snapshot of the same engine taken before this one
   * @return the difference
   */
  public EngineStats minus(EngineStats earlier) {
    return new EngineStats(
        Math.max(0, writes - earlier.writes),
        Math.max(0, events - earlier.events),
        Math.max(0, deliveries - earlier.deliveries),
        subscribers,
        Math.max(0, triggerFailures - earlier.triggerFailures),
        Math.max(0, droppedInvocations - earlier.droppedInvocations),
        Math.max(0, listenerFailures - earlier.listenerFailures),
        Math.max(0, resyncs - earlier.resyncs));
  }
}
