package dev.rivulet.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.internal.Json;
import dev.rivulet.spi.GroupKey;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte format of log and snapshot records. Every record is framed as {@code magic (4 bytes) |
 * payload length (4) | CRC32C of the payload (4) | payload}, big-endian. Payloads start with a type
 * byte; names are length-prefixed UTF-8 strings and values are JSON text written by Jackson (exact
 * integers, key order kept).
 */
final class Records {
  static final int MAGIC = 0x52564B31; // "RVK1"
  static final int HEADER = 12;
  static final int MAX_PAYLOAD = 1 << 30;

  static final byte SET = 1;
  static final byte DELETE = 2;
  static final byte SEND = 3; // written before 0.2: a send's seq; still replayed
  static final byte RESERVE = 4; // a group's seq high-water mark (in the seq field), see SeqReserve
  static final byte SNAP_HEADER = 10;
  static final byte SNAP_GROUP = 11;
  static final byte SNAP_END = 12;

  /** A snapshot group whose items carry their versions (SNAP_GROUP records are from before). */
  static final byte SNAP_GROUP_VERSIONED = 13;

  static final byte MANIFEST = 20;

  private Records() {}

  /**
   * One decoded log record. {@code value} is JSON bytes for SET, else null; for RESERVE {@code seq}
   * is the mark.
   */
  record Entry(byte type, GroupKey group, String item, long seq, long timestamp, byte[] value) {}

  /** Encodes and frames a log record. */
  static byte[] logRecord(
      byte type, GroupKey group, String item, long seq, long timestamp, JsonNode value) {
    Payload p = new Payload();
    p.b(type).l(seq).l(timestamp).s(group.stream()).s(group.group());
    switch (type) {
      case SET -> p.s(item).bytes(json(value));
      case DELETE -> p.s(item);
      case SEND -> p.opt(item);
      case RESERVE -> {
        // the mark is the seq field
      }
      default -> throw new IllegalArgumentException("record type " + type);
    }
    return p.framed();
  }

  static Entry decodeLog(byte[] payload) throws IOException {
    DataInputStream in = in(payload);
    byte type = in.readByte();
    long seq = in.readLong();
    long ts = in.readLong();
    GroupKey group = new GroupKey(str(in), str(in));
    return switch (type) {
      case SET -> new Entry(type, group, str(in), seq, ts, bytes(in));
      case DELETE -> new Entry(type, group, str(in), seq, ts, null);
      case SEND -> new Entry(type, group, in.readBoolean() ? str(in) : null, seq, ts, null);
      case RESERVE -> new Entry(type, group, null, seq, ts, null);
      default -> throw new IOException("unknown log record type " + type);
    };
  }

  static byte[] json(JsonNode value) {
    return Json.bytes(value);
  }

  static JsonNode parse(byte[] bytes) throws IOException {
    return Json.read(bytes);
  }

  static DataInputStream in(byte[] payload) {
    return new DataInputStream(new java.io.ByteArrayInputStream(payload));
  }

  static String str(DataInputStream in) throws IOException {
    return new String(bytes(in), StandardCharsets.UTF_8);
  }

  static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("bad length " + n);
    }
    return in.readNBytes(n);
  }

  /**
   * The payload length of a valid frame starting at {@code off} (magic, bounds and checksum ok), or
   * -1.
   */
  static int validFrameAt(byte[] buf, int off, int end) {
    if (end - off < HEADER) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(buf, off, HEADER).order(ByteOrder.BIG_ENDIAN);
    if (b.getInt() != MAGIC) {
      return -1;
    }
    int len = b.getInt();
    int crc = b.getInt();
    if (len < 1 || len > MAX_PAYLOAD || len > end - off - HEADER) {
      return -1;
    }
    CRC32C c = new CRC32C();
    c.update(buf, off + HEADER, len);
    return (int) c.getValue() == crc ? len : -1;
  }

  /** The offset of the next valid frame after {@code from}, or -1. */
  static int nextValidFrame(byte[] buf, int from, int end) {
    for (int i = from; i + HEADER <= end; i++) {
      if (buf[i] == 0x52 && validFrameAt(buf, i, end) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Builds one payload and frames it. */
  static final class Payload {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final DataOutputStream out = new DataOutputStream(bytes);

    Payload b(byte v) {
      return run(() -> out.writeByte(v));
    }

    Payload l(long v) {
      return run(() -> out.writeLong(v));
    }

    Payload i(int v) {
      return run(() -> out.writeInt(v));
    }

    Payload s(String v) {
      return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    Payload opt(String v) {
      run(() -> out.writeBoolean(v != null));
      return v == null ? this : s(v);
    }

    Payload bytes(byte[] v) {
      return run(
          () -> {
            out.writeInt(v.length);
            out.write(v);
          });
    }

    byte[] framed() {
      byte[] payload = bytes.toByteArray();
      CRC32C c = new CRC32C();
      c.update(payload);
      ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
      b.putInt(MAGIC).putInt(payload.length).putInt((int) c.getValue()).put(payload);
      return b.array();
    }

    private Payload run(IoAction action) {
      try {
        action.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // cannot happen for an in-memory stream
      }
      return this;
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
