package dev.rivulet.ws;

import dev.rivulet.StreamEngine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the iii worker connections of one server share (SPEC §12): the engine, the worker pool, the
 * live workers by id (for {@code reattach}) and the counters. Registrations that a worker makes in
 * the engine are owned by its {@link WorkerSession}; {@link #lock} makes "register unless closed"
 * and "remove if still mine" atomic against each other.
 */
final class IiiWorkers {
  final StreamEngine engine;
  final Executor worker;
  final IiiOptions options;
  final Object lock = new Object();
  final Map<String, WorkerSession> sessions = new ConcurrentHashMap<>();

  /** Malformed, unknown or unexpected messages (and late answers) dropped; for tests, metrics. */
  final AtomicLong ignored = new AtomicLong();

  /** Calls of worker functions that timed out. */
  final AtomicLong timeouts = new AtomicLong();

  IiiWorkers(StreamEngine engine, Executor worker, IiiOptions options) {
    this.engine = engine;
    this.worker = worker;
    this.options = options;
  }

  /** The handler of a new {@code /iii} connection. */
  WorkerSession newSession() {
    return new WorkerSession(this);
  }

  /** Connected workers right now. */
  int workers() {
    return sessions.size();
  }

  /**
   * {@code /iii/otel}: the SDK's telemetry connection (binary OTLP frames). Accepted and discarded
   * quietly, so the SDK neither logs reconnect attempts nor buffers its exports.
   */
  static final WsHandler TELEMETRY =
      new WsHandler() {
        @Override
        public void onMessage(Connection connection, boolean text, byte[] data) {}

        @Override
        public void onClosed(Connection connection) {}
      };
}
