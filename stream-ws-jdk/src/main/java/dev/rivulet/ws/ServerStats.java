package dev.rivulet.ws;

import dev.rivulet.EngineStats;

/**
 * A snapshot of a {@link StreamWebSocketServer}'s own figures, beside its engine's, as returned by
 * {@link StreamWebSocketServer#stats()} and served as JSON by {@code GET /stats}. The figures are
 * read one after another, not atomically together.
 *
 * @param connections TCP connections open now (WebSocket connections, plain HTTP requests in
 *     progress, connections being refused at the limit), as {@link
 *     StreamWebSocketServer#connectionCount()}
 * @param queuedBytes bytes waiting in the connections' outbound queues now (frames and HTTP answers
 *     not yet written to their sockets)
 * @param slowConsumerCloses connections closed with 4008 {@code slow consumer} because their queue
 *     passed its bound ({@link StreamWebSocketServer.Builder#outboundQueueBytes}), counted since
 *     the server was built
 * @param engine the engine's counters, read right after the server's own
 */
public record ServerStats(
    long connections, long queuedBytes, long slowConsumerCloses, EngineStats engine) {}
