package dev.rivulet.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental RFC 6455 decoder for client frames: accepts bytes in any slicing, enforces masking,
 * RSV bits, opcodes, control-frame rules, fragmentation order, the message size limit and UTF-8
 * validity of text (checked as bytes arrive, so a bad sequence split across fragments fails fast).
 * Idle state is small: buffers are allocated only while a frame or message is in progress.
 */
final class FrameDecoder {
  private static final byte[] EMPTY = new byte[0];

  private final int maxMessageSize;
  private final FrameSink sink;
  private final byte[] header = new byte[14];
  private int headerLen;
  private int headerNeeded = 2;

  private boolean fin;
  private int opcode;
  private final byte[] mask = new byte[4];
  private long payloadLen;
  private long payloadRead;
  private byte[] control;

  private int messageOpcode = -1;
  private byte[] message = EMPTY;
  private int messageLen;
  private int frameStart;
  private Utf8Validator utf8;
  private boolean stopped;

  FrameDecoder(int maxMessageSize, FrameSink sink) {
    this.maxMessageSize = maxMessageSize;
    this.sink = sink;
  }

  /** Consumes all of {@code in} (or throws at the first violation). */
  void decode(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining() && !stopped) {
      if (headerLen < headerNeeded) {
        readHeader(in);
      } else {
        readPayload(in);
      }
    }
  }

  /** Ignores every later byte (after a close frame or when the connection is closing). */
  void stop() {
    stopped = true;
  }

  /** True when no frame or message is half-read. */
  boolean isIdle() {
    return headerLen == 0 && messageOpcode < 0;
  }

  private void readHeader(ByteBuffer in) throws ProtocolException {
    while (headerLen < headerNeeded && in.hasRemaining()) {
      header[headerLen++] = in.get();
      if (headerLen == 2) {
        checkFirstTwoBytes();
      }
    }
    if (headerLen == headerNeeded) {
      startPayload();
    }
  }

  private void checkFirstTwoBytes() throws ProtocolException {
    int b0 = header[0] & 0xff;
    int b1 = header[1] & 0xff;
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0f;
    if ((b0 & 0x70) != 0) {
      throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "reserved bits set");
    }
    if ((b1 & 0x80) == 0) {
      throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "client frame not masked");
    }
    int len7 = b1 & 0x7f;
    switch (opcode) {
      case FrameEncoder.OP_CONTINUATION -> {
        if (messageOpcode < 0) {
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "continuation without start");
        }
      }
      case FrameEncoder.OP_TEXT, FrameEncoder.OP_BINARY -> {
        if (messageOpcode >= 0) {
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "new message inside a fragment");
        }
      }
      case FrameEncoder.OP_CLOSE, FrameEncoder.OP_PING, FrameEncoder.OP_PONG -> {
        if (!fin) {
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "fragmented control frame");
        }
        if (len7 > 125) {
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "control frame over 125 bytes");
        }
      }
      default ->
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "reserved opcode " + opcode);
    }
    headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
  }

  private void startPayload() throws ProtocolException {
    int len7 = header[1] & 0x7f;
    int pos = 2;
    long len = len7;
    if (len7 == 126) {
      len = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
      pos = 4;
    } else if (len7 == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | (header[2 + i] & 0xffL);
      }
      pos = 10;
      if (len < 0) {
        throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "payload length over 2^63-1");
      }
    }
    System.arraycopy(header, pos, mask, 0, 4);
    payloadLen = len;
    payloadRead = 0;
    if (opcode >= FrameEncoder.OP_CLOSE) {
      control = new byte[(int) len];
    } else {
      if (len > maxMessageSize - (long) messageLen) {
        throw new ProtocolException(
            CloseCodes.TOO_BIG, "message over " + maxMessageSize + " bytes");
      }
      if (opcode != FrameEncoder.OP_CONTINUATION) {
        messageOpcode = opcode;
        messageLen = 0;
        utf8 = opcode == FrameEncoder.OP_TEXT ? new Utf8Validator() : null;
      }
      int needed = messageLen + (int) len;
      if (needed > message.length) {
        message =
            Arrays.copyOf(message, Math.min(maxMessageSize, Math.max(needed, message.length * 2)));
      }
      frameStart = messageLen;
    }
    if (len == 0) {
      endFrame();
    }
  }

  private void readPayload(ByteBuffer in) throws ProtocolException {
    int n = (int) Math.min(in.remaining(), payloadLen - payloadRead);
    boolean isControl = opcode >= FrameEncoder.OP_CLOSE;
    byte[] target = isControl ? control : message;
    int offset = isControl ? (int) payloadRead : frameStart + (int) payloadRead;
    in.get(target, offset, n);
    int maskIndex = (int) (payloadRead & 3);
    for (int i = 0; i < n; i++) {
      target[offset + i] ^= mask[(maskIndex + i) & 3];
    }
    payloadRead += n;
    if (!isControl) {
      messageLen += n;
      if (utf8 != null && !utf8.feed(target, offset, n)) {
        throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in text message");
      }
    }
    if (payloadRead == payloadLen) {
      endFrame();
    }
  }

  private void endFrame() throws ProtocolException {
    headerLen = 0;
    headerNeeded = 2;
    if (opcode >= FrameEncoder.OP_CLOSE) {
      byte[] payload = control;
      control = null;
      controlFrame(payload);
      return;
    }
    if (!fin) {
      return;
    }
    if (utf8 != null && !utf8.isComplete()) {
      throw new ProtocolException(
          CloseCodes.INVALID_PAYLOAD, "text message ends inside a character");
    }
    byte[] data = messageLen == message.length ? message : Arrays.copyOf(message, messageLen);
    boolean text = messageOpcode == FrameEncoder.OP_TEXT;
    messageOpcode = -1;
    messageLen = 0;
    message = EMPTY;
    utf8 = null;
    sink.onMessage(text, data);
  }

  private void controlFrame(byte[] payload) throws ProtocolException {
    switch (opcode) {
      case FrameEncoder.OP_PING -> sink.onPing(payload);
      case FrameEncoder.OP_PONG -> sink.onPong(payload);
      default -> {
        if (payload.length == 0) {
          sink.onClose(CloseCodes.NO_STATUS, "");
          return;
        }
        if (payload.length == 1) {
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close payload of one byte");
        }
        int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        if (!CloseCodes.isValidOnWire(code)) {
          throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
        }
        if (!Utf8Validator.isValidUtf8(payload, 2, payload.length - 2)) {
          throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in close reason");
        }
        sink.onClose(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
      }
    }
  }
}
