package dev.rivulet.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Plain HTTP/1.1 responses. They are built with {@code Connection: close}; a connection that stays
 * open rewrites that one header with {@link #keepAlive}.
 */
final class HttpResponses {

  private HttpResponses() {}

  static byte[] response(int status, String contentType, byte[] body, Map<String, String> extra) {
    StringBuilder head = new StringBuilder(128);
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (status != 204) { // RFC 9110 §8.6: never on a 204
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static final byte[] CLOSE =
      "Connection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] KEEP_ALIVE =
      "Connection: keep-alive\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  /**
   * The same response announcing {@code Connection: keep-alive}; null when it is not one of ours
   * (its head does not end with {@code Connection: close}), so the caller closes.
   */
  static byte[] keepAlive(byte[] response) {
    int end = headEnd(response);
    int start = end - CLOSE.length;
    if (start < 0 || !java.util.Arrays.equals(response, start, end, CLOSE, 0, CLOSE.length)) {
      return null;
    }
    byte[] result = new byte[response.length - CLOSE.length + KEEP_ALIVE.length];
    System.arraycopy(response, 0, result, 0, start);
    System.arraycopy(KEEP_ALIVE, 0, result, start, KEEP_ALIVE.length);
    System.arraycopy(response, end, result, start + KEEP_ALIVE.length, response.length - end);
    return result;
  }

  /** The index just past the blank line that ends the head, or -1. */
  private static int headEnd(byte[] response) {
    for (int i = 3; i < response.length; i++) {
      if (response[i] == '\n'
          && response[i - 1] == '\r'
          && response[i - 2] == '\n'
          && response[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  static byte[] json(int status, byte[] body) {
    return response(status, "application/json", body, Map.of());
  }

  /** An error with the body {@code {"code","message"}}. */
  static byte[] error(int status, String code, String message) {
    return error(status, code, message, Map.of());
  }

  static byte[] error(int status, String code, String message, Map<String, String> extra) {
    return error(status, Wire.error(code, message, null), extra);
  }

  /**
   * An error of a call whose fate is known only partly: {@code outcome} is {@code unknown} (it may
   * still be applied) or {@code not_applied} (SPEC §9).
   */
  static byte[] error(int status, String code, String message, String outcome) {
    return error(status, Wire.error(code, message, outcome), Map.of());
  }

  private static byte[] error(int status, ObjectNode body, Map<String, String> extra) {
    return response(
        status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), extra);
  }

  /** {@code response} with {@code extra} headers added after its status line. */
  /** Whether the response's head has a header called {@code name} (case-insensitive). */
  static boolean hasHeader(byte[] response, String name) {
    int end = headEnd(response);
    String head =
        new String(response, 0, end < 0 ? response.length : end, StandardCharsets.ISO_8859_1)
            .toLowerCase(java.util.Locale.ROOT);
    return head.contains("\r\n" + name.toLowerCase(java.util.Locale.ROOT) + ":");
  }

  static byte[] withHeaders(byte[] response, Map<String, String> extra) {
    if (extra.isEmpty()) {
      return response;
    }
    int lineEnd = 0;
    while (lineEnd < response.length - 1
        && !(response[lineEnd] == '\r' && response[lineEnd + 1] == '\n')) {
      lineEnd++;
    }
    StringBuilder headers = new StringBuilder();
    extra.forEach((k, v) -> headers.append(k).append(": ").append(v).append("\r\n"));
    byte[] added = headers.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(response.length + added.length);
    out.write(response, 0, lineEnd + 2);
    out.writeBytes(added);
    out.write(response, lineEnd + 2, response.length - lineEnd - 2);
    return out.toByteArray();
  }

  static String reason(int status) {
    return switch (status) {
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 411 -> "Length Required";
      case 413 -> "Payload Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 426 -> "Upgrade Required";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status";
    };
  }
}
