package dev.rivulet.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.internal.Json;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health} and {@code GET /stats}. Health reads the storage once (the groups of a stream
 * nobody writes), so a store that cannot be read — Redis down, files gone — answers 503. Both run
 * on the worker pool: a health probe may wait for an unreachable store until its timeout.
 */
final class StatusEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(StatusEndpoints.class);
  static final String HEALTH = "/health";
  static final String STATS = "/stats";

  /** The stream whose groups the health probe lists: nothing is written to it. */
  static final String PROBE_STREAM = "rivulet.health";

  private final StreamEngine engine;
  private final Supplier<ServerStats> stats;

  StatusEndpoints(StreamEngine engine, Supplier<ServerStats> stats) {
    this.engine = engine;
    this.stats = stats;
  }

  static boolean serves(String path) {
    return path.equals(HEALTH) || path.equals(STATS);
  }

  /** The full HTTP response for {@code path} (blocking: call it on a worker). */
  byte[] answer(String path) {
    return path.equals(HEALTH) ? health() : stats();
  }

  private byte[] health() {
    ObjectNode body = Json.object();
    try {
      engine.stream(PROBE_STREAM).groups();
      body.put("status", "ok");
      return HttpResponses.json(200, Json.bytes(body));
    } catch (StreamException e) {
      LOG.debug("health probe failed", e);
      body.put("status", "failing");
      body.putObject("error").put("code", e.code()).put("message", e.getMessage());
      return HttpResponses.json(503, Json.bytes(body));
    }
  }

  /** {@code {"connections","queuedBytes","slowConsumerCloses","engine":{"writes",…}}}. */
  private byte[] stats() {
    return HttpResponses.json(200, Json.bytes(Json.valueToTree(stats.get())));
  }
}
