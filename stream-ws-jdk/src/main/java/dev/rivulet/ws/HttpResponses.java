package dev.rivulet.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Plain HTTP/1.1 responses (always {@code Connection: close}). */
final class HttpResponses {

  private HttpResponses() {}

  static byte[] response(int status, String contentType, byte[] body, Map<String, String> extra) {
    StringBuilder head = new StringBuilder(128);
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
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

  static String reason(int status) {
    return switch (status) {
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 411 -> "Length Required";
      case 413 -> "Payload Too Large";
      case 414 -> "URI Too Long";
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
