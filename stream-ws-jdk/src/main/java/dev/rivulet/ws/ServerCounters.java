package dev.rivulet.ws;

import java.util.concurrent.atomic.LongAdder;

/** What the server's connections count together (all threads add, {@code stats()} reads). */
final class ServerCounters {
  final LongAdder queuedBytes = new LongAdder();
  final LongAdder slowConsumerCloses = new LongAdder();
}
