package dev.rivulet.ws;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** A hand-rolled WebSocket client on a plain socket, able to send malformed frames. */
final class RawClient implements AutoCloseable {
  final Socket socket;
  final OutputStream out;
  final DataInputStream in;
  String responseHead;

  /** A received frame. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  RawClient(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** Wraps an already connected socket. */
  static RawClient adopt(Socket socket) throws IOException {
    return new RawClient(socket);
  }

  static RawClient connect(int port, String path) throws IOException {
    RawClient c = new RawClient(port);
    c.handshake(path);
    return c;
  }

  /** Performs the opening handshake; throws unless the server answers 101. */
  void handshake(String path) throws IOException {
    RawClient c = this;
    String key = Base64.getEncoder().encodeToString(new byte[16]);
    c.sendRaw(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    c.responseHead = c.readHead();
    if (!c.responseHead.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + c.responseHead);
    }
  }

  void sendRaw(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads an HTTP response head (up to the blank line). */
  String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in the response head: " + head);
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads a full HTTP response (head plus Content-Length body). */
  String readResponse() throws IOException {
    String head = readHead();
    int i = head.toLowerCase().indexOf("content-length:");
    int length = 0;
    if (i >= 0) {
      length = Integer.parseInt(head.substring(i + 15, head.indexOf('\r', i)).trim());
    }
    byte[] body = in.readNBytes(length);
    return head + new String(body, StandardCharsets.UTF_8);
  }

  /** Encodes a frame with full control over every bit. */
  static byte[] frame(int firstByte, boolean masked, long length, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (length < 126) {
      f.write(maskBit | (int) length);
    } else if (length <= 0xFFFF) {
      f.write(maskBit | 126);
      f.write((int) (length >>> 8));
      f.write((int) length);
    } else {
      f.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) (length >>> (8 * i)));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    if (masked) {
      f.writeBytes(mask);
    }
    for (int i = 0; i < payload.length; i++) {
      f.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
    }
    return f.toByteArray();
  }

  static byte[] frame(int opcode, boolean fin, byte[] payload) {
    return frame((fin ? 0x80 : 0) | opcode, true, payload.length, payload);
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends the bytes one at a time. */
  void sendByteByByte(byte[] bytes) throws IOException {
    for (byte b : bytes) {
      out.write(b);
      out.flush();
    }
  }

  void sendText(String text) throws IOException {
    send(frame(0x1, true, text.getBytes(StandardCharsets.UTF_8)));
  }

  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] payload = in.readNBytes((int) len);
    return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
  }

  /** Reads frames until a close frame and returns its code. */
  int readCloseCode() throws IOException {
    while (true) {
      Frame f = read();
      if (f.opcode() == 0x8) {
        return f.closeCode();
      }
    }
  }

  /** Reads frames until one of {@code opcode}. */
  Frame readUntil(int opcode) throws IOException {
    while (true) {
      Frame f = read();
      if (f.opcode() == opcode) {
        return f;
      }
    }
  }

  /** True when the server closed the TCP connection (after any pending bytes). */
  boolean readsEndOfStream() throws IOException {
    InputStream s = socket.getInputStream();
    while (true) {
      int b = s.read();
      if (b < 0) {
        return true;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
