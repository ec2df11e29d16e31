package dev.rivulet.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Encodes unmasked server frames (FIN set, no extensions). */
final class FrameEncoder {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  private FrameEncoder() {}

  /** A complete frame; the returned buffer is read-only and may be shared (use duplicates). */
  static ByteBuffer frame(int opcode, byte[] payload) {
    return frame(opcode, payload, 0, payload.length);
  }

  static ByteBuffer frame(int opcode, byte[] payload, int offset, int length) {
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] out = new byte[header + length];
    out[0] = (byte) (0x80 | opcode);
    if (length < 126) {
      out[1] = (byte) length;
    } else if (length <= 0xFFFF) {
      out[1] = 126;
      out[2] = (byte) (length >>> 8);
      out[3] = (byte) length;
    } else {
      out[1] = 127;
      long len = length;
      for (int i = 0; i < 8; i++) {
        out[2 + i] = (byte) (len >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, offset, out, header, length);
    return ByteBuffer.wrap(out).asReadOnlyBuffer();
  }

  /** A close frame with a status code and a reason (truncated to fit 125 bytes). */
  static ByteBuffer close(int code, String reason) {
    byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
    int len = Math.min(text.length, 123);
    while (len > 0 && len < text.length && (text[len] & 0xC0) == 0x80) {
      len--; // never cut a UTF-8 sequence in half
    }
    byte[] payload = new byte[2 + len];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, len);
    return frame(OP_CLOSE, payload);
  }
}
