package dev.rivulet.ws;

import java.util.concurrent.atomic.LongAdder;

/** What the server's connections count together (all threads add, {@code stats()} reads). */
final class ServerCounters {
  final LongAdder queuedBytes = new LongAdder();
  final LongAdder slowConsumerCloses = new LongAdder();

  /** Gathering writes issued to sockets (one system call each). */
  final LongAdder writeCalls = new LongAdder();

  /** Buffers (frames, HTTP answers) whose last byte was written. */
  final LongAdder buffersWritten = new LongAdder();
}
