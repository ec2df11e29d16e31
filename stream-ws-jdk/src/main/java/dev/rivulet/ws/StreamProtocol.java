package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.JoinRequest;
import dev.rivulet.StreamEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What all stream-protocol connections of a server share: engine, workers, frame cache. */
final class StreamProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(StreamProtocol.class);

  final StreamEngine engine;
  final Executor worker;
  final FrameCache frames = new FrameCache();

  /** Syncs advanced past their snapshot (see {@link GroupCursor}); for tests and metrics. */
  final AtomicLong advancedSyncs = new AtomicLong();

  /** Joins retried because their snapshot could not be read (storage down); for tests, metrics. */
  final AtomicLong joinRetries = new AtomicLong();

  final int maxSubscriptions;
  final Duration joinRetryTimeout;
  private final Set<StreamSession> sessions = ConcurrentHashMap.newKeySet();

  StreamProtocol(
      StreamEngine engine, Executor worker, int maxSubscriptions, Duration joinRetryTimeout) {
    this.engine = engine;
    this.joinRetryTimeout = joinRetryTimeout;
    this.worker = worker;
    this.maxSubscriptions = maxSubscriptions;
  }

  /** A handler for one connection; {@code autoJoin} (may be null) is joined as soon as it opens. */
  StreamSession newSession(JsonNode context, JoinRequest autoJoin) {
    StreamSession session = new StreamSession(this, context, autoJoin);
    sessions.add(session);
    session.finished().whenComplete((v, e) -> sessions.remove(session));
    return session;
  }

  /** Waits (bounded) until every closed session has fired its leave triggers. */
  void awaitSessions(long timeoutMillis) {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (StreamSession s : sessions) {
      pending.add(s.finished());
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{} sessions still closing after {} ms", sessions.size(), timeoutMillis);
    } catch (Exception e) {
      LOG.warn("waiting for sessions", e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
