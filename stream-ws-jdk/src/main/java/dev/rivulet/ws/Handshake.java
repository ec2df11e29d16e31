package dev.rivulet.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/** RFC 6455 opening handshake: validation of the client request and the 101 answer. */
final class Handshake {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private Handshake() {}

  /** Whether the request asks for a WebSocket upgrade at all. */
  static boolean isUpgrade(HttpRequest request) {
    return request.headerHasToken("upgrade", "websocket");
  }

  /** Null when the request is a valid handshake, else the complete HTTP error response. */
  static byte[] validate(HttpRequest request) {
    if (!request.method().equals("GET") || !request.version().equals("HTTP/1.1")) {
      return HttpResponses.error(
          400, "bad_handshake", "a WebSocket handshake is GET over HTTP/1.1");
    }
    if (!request.headerHasToken("connection", "upgrade")) {
      return HttpResponses.error(400, "bad_handshake", "missing Connection: Upgrade");
    }
    String version = request.header("sec-websocket-version");
    if (!"13".equals(version)) {
      return HttpResponses.error(
          426,
          "bad_handshake",
          "unsupported Sec-WebSocket-Version " + version,
          Map.of("Sec-WebSocket-Version", "13"));
    }
    String key = request.header("sec-websocket-key");
    if (key == null || !isValidKey(key)) {
      return HttpResponses.error(400, "bad_handshake", "missing or malformed Sec-WebSocket-Key");
    }
    return null;
  }

  private static boolean isValidKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The 101 answer, echoing the first offered subprotocol. */
  static String accept(HttpRequest request) {
    StringBuilder out = new StringBuilder(200);
    out.append("HTTP/1.1 101 Switching Protocols\r\n")
        .append("Upgrade: websocket\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Sec-WebSocket-Accept: ")
        .append(acceptKey(request.header("sec-websocket-key")))
        .append("\r\n");
    String protocols = request.joinedHeader("sec-websocket-protocol");
    if (protocols != null && !protocols.isBlank()) {
      out.append("Sec-WebSocket-Protocol: ").append(protocols.split(",")[0].trim()).append("\r\n");
    }
    return out.append("\r\n").toString();
  }

  static String acceptKey(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 missing", e);
    }
  }
}
