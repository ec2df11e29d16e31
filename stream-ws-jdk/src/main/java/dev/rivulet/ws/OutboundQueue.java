package dev.rivulet.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection's pending output, bounded in bytes. Any thread may offer; the connection's selector
 * thread drains it with gathering writes (many frames per system call). Shared frame buffers are
 * offered as duplicates, so one encoded event serves every connection.
 */
final class OutboundQueue {
  private static final int GATHER = 64;

  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
  private final int limit;
  private long bytes;
  private boolean sealed;
  private boolean overflowed;
  private final ByteBuffer[] batch = new ByteBuffer[GATHER];

  private final LongAdder queued;

  /**
   * @param limit the byte bound
   * @param queued the server-wide count of queued bytes this queue adds its own to
   */
  OutboundQueue(int limit, LongAdder queued) {
    this.limit = limit;
    this.queued = queued;
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
      int n = 0;
      for (ByteBuffer b : buffers) {
        batch[n++] = b;
        if (n == GATHER) {
          break;
        }
      }
      long written = channel.write(batch, 0, n);
      adjust(-written);
      while (!buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
        buffers.pollFirst();
      }
      java.util.Arrays.fill(batch, 0, n, null);
      if (written == 0 || !buffers.isEmpty() && buffers.peekFirst().position() > 0) {
        return buffers.isEmpty();
      }
    }
    return true;
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized boolean isEmpty() {
    return buffers.isEmpty();
  }
}
