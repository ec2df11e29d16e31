package dev.rivulet.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection's pending output, bounded in bytes. Any thread may offer; the connection's selector
 * thread drains it with gathering writes: every queued frame, up to {@link #GATHER} buffers and
 * {@link #GATHER_BYTES} bytes, leaves in one system call, and a partial write resumes at the byte
 * where the socket stopped. Shared frame buffers are offered as duplicates, so one encoded event
 * serves every connection.
 */
final class OutboundQueue {
  /** Buffers handed to one gathering write (Linux takes up to 1024; more gains nothing here). */
  static final int GATHER = 64;

  /** Bytes one gathering write takes at most (past the first buffer, which always goes). */
  static final int GATHER_BYTES = 256 * 1024;

  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
  private final int limit;
  private long bytes;
  private boolean sealed;
  private boolean overflowed;
  private final ByteBuffer[] batch = new ByteBuffer[GATHER];

  private final LongAdder queued;
  private final ServerCounters counters;

  /**
   * @param limit the byte bound
   * @param counters the server-wide counts (queued bytes, writes) this queue adds its own to
   */
  OutboundQueue(int limit, ServerCounters counters) {
    this.limit = limit;
    this.queued = counters.queuedBytes;
    this.counters = counters;
  }

  private void adjust(long delta) {
    bytes += delta;
    queued.add(delta);
  }

  /** Drops everything (the connection is gone); its bytes leave the server-wide count. */
  synchronized void discard() {
    buffers.clear();
    adjust(-bytes);
  }

  /** Outcome of an offer. */
  enum Offer {
    /** Queued; the queue was empty before (the writer must be scheduled). */
    FIRST,
    /** Queued behind other data. */
    QUEUED,
    /** Over the byte limit: nothing was queued (reported once; later offers are SEALED). */
    OVERFLOW,
    /** The queue takes no more data (closing). */
    SEALED
  }

  /** Queues a frame (a duplicate of {@code frame} is kept) unless it exceeds the byte limit. */
  synchronized Offer offer(ByteBuffer frame) {
    if (sealed) {
      return Offer.SEALED;
    }
    int size = frame.remaining();
    if (overflowed) {
      return Offer.SEALED; // the connection is being closed as a slow consumer
    }
    if (bytes + size > limit && !buffers.isEmpty()) {
      overflowed = true;
      return Offer.OVERFLOW;
    }
    boolean first = buffers.isEmpty();
    buffers.add(frame.duplicate());
    adjust(size);
    return first ? Offer.FIRST : Offer.QUEUED;
  }

  /**
   * Drops everything not yet started, appends {@code last} (a close frame) and refuses further
   * offers. A frame already half written is kept so the stream stays well-formed.
   */
  synchronized boolean sealWith(ByteBuffer last) {
    if (sealed) {
      return false;
    }
    sealed = true;
    ByteBuffer head = buffers.peekFirst();
    boolean started = head != null && head.position() > 0;
    buffers.clear();
    adjust(-bytes);
    if (started) {
      buffers.add(head);
      adjust(head.remaining());
    }
    buffers.add(last.duplicate());
    adjust(last.remaining());
    return true;
  }

  synchronized boolean isSealed() {
    return sealed;
  }

  /** Writes as much as the channel takes; returns true when the queue is now empty. */
  synchronized boolean flushTo(GatheringByteChannel channel) throws IOException {
    while (!buffers.isEmpty()) {
      int n = gather();
      long written = channel.write(batch, 0, n);
      counters.writeCalls.increment();
      adjust(-written);
      while (!buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
        buffers.pollFirst();
        counters.buffersWritten.increment();
      }
      Arrays.fill(batch, 0, n, null);
      if (written == 0 || !buffers.isEmpty() && buffers.peekFirst().position() > 0) {
        return buffers.isEmpty(); // the socket is full: wait until it is writable
      }
    }
    return true;
  }

  /** Fills {@link #batch} from the head of the queue; returns how many buffers it holds. */
  private int gather() {
    int n = 0;
    long size = 0;
    for (ByteBuffer b : buffers) {
      if (n > 0 && size + b.remaining() > GATHER_BYTES) {
        break;
      }
      batch[n++] = b;
      size += b.remaining();
      if (n == GATHER) {
        break;
      }
    }
    return n;
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized boolean isEmpty() {
    return buffers.isEmpty();
  }
}
