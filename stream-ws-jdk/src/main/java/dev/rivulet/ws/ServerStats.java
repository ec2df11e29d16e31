package dev.rivulet.ws;

import dev.rivulet.EngineStats;

/**
 * A snapshot of a {@link StreamWebSocketServer}'s own figures, beside its engine's.
 *
 * @param connections TCP connections open now
 * @param queuedBytes bytes waiting in the connections' outbound queues now
 * @param slowConsumerCloses connections closed with 4008 because their queue passed its bound
 * @param engine the engine's counters at the same moment
 */
public record ServerStats(
    long connections, long queuedBytes, long slowConsumerCloses, EngineStats engine) {}
