package dev.rivulet.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bounded incremental HTTP/1.1 request parser: the request line and the header section have size
 * limits, and anything malformed is answered with an {@link HttpError} at once, so garbage never
 * occupies a connection (or the selector) for long.
 */
final class HttpRequestParser {
  static final int MAX_REQUEST_LINE = 8 * 1024;
  static final int MAX_HEADER_BYTES = 16 * 1024;
  static final int MAX_HEADERS = 100;

  /** A request that must be refused with {@code status}. */
  static final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    HttpError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final int maxBody;
  private byte[] head = new byte[512];
  private int headLen;
  private HttpRequest request;
  private byte[] body;
  private int bodyLen;

  /**
   * @param maxBody the largest accepted request body (413 above)
   */
  HttpRequestParser(int maxBody) {
    this.maxBody = maxBody;
  }

  /**
   * Consumes bytes from {@code in} up to the end of one request; returns it once complete (the
   * bytes after it stay in {@code in}), or null when more input is needed.
   */
  HttpRequest feed(ByteBuffer in) throws HttpError {
    if (request == null) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (headLen == head.length) {
          head = Arrays.copyOf(head, Math.min(MAX_HEADER_BYTES, head.length * 2));
        }
        head[headLen++] = b;
        if (b == '\n' && endsHead()) {
          request = parseHead();
          int length = contentLength(request);
          if (length == 0) {
            return request;
          }
          body = new byte[length];
          break;
        }
        checkLimits();
      }
      if (request == null) {
        return null;
      }
    }
    int n = Math.min(in.remaining(), body.length - bodyLen);
    in.get(body, bodyLen, n);
    bodyLen += n;
    if (bodyLen < body.length) {
      return null;
    }
    HttpRequest r = request;
    return new HttpRequest(
        r.method(), r.target(), r.path(), r.rawQuery(), r.version(), r.headers(), body);
  }

  private void checkLimits() throws HttpError {
    if (headLen >= MAX_HEADER_BYTES) {
      throw new HttpError(431, "request header section over " + MAX_HEADER_BYTES + " bytes");
    }
    if (headLen > MAX_REQUEST_LINE && indexOf((byte) '\n') < 0) {
      throw new HttpError(414, "request line over " + MAX_REQUEST_LINE + " bytes");
    }
    if (headLen == 1 && (head[0] < 'A' || head[0] > 'Z')) {
      throw new HttpError(400, "not an HTTP request");
    }
  }

  private int indexOf(byte b) {
    for (int i = 0; i < headLen; i++) {
      if (head[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private boolean endsHead() {
    return (headLen >= 4
            && head[headLen - 4] == '\r'
            && head[headLen - 3] == '\n'
            && head[headLen - 2] == '\r')
        || (headLen >= 2 && head[headLen - 2] == '\n');
  }

  private HttpRequest parseHead() throws HttpError {
    String text = new String(head, 0, headLen, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r?\n");
    String[] parts = lines[0].split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new HttpError(400, "malformed request line");
    }
    for (char c : parts[0].toCharArray()) {
      if (c < 'A' || c > 'Z') {
        throw new HttpError(400, "malformed method");
      }
    }
    if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
      throw new HttpError(505, "unsupported HTTP version");
    }
    String target = parts[1];
    if (!target.startsWith("/")) {
      throw new HttpError(400, "request target must be a path");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new HttpError(400, "illegal character in request target");
      }
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int count = 0;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new HttpError(400, "malformed header line");
      }
      String name = line.substring(0, colon);
      for (char c : name.toCharArray()) {
        if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
          throw new HttpError(400, "malformed header name");
        }
      }
      if (++count > MAX_HEADERS) {
        throw new HttpError(431, "more than " + MAX_HEADERS + " headers");
      }
      headers
          .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
          .add(line.substring(colon + 1).trim());
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);
    head = null;
    return new HttpRequest(parts[0], target, path, query, parts[2], headers, new byte[0]);
  }

  private int contentLength(HttpRequest r) throws HttpError {
    if (r.header("transfer-encoding") != null) {
      throw new HttpError(411, "chunked request bodies are not supported; send Content-Length");
    }
    String value = r.header("content-length");
    if (value == null) {
      return 0;
    }
    long length;
    try {
      length = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "bad Content-Length");
    }
    if (length < 0) {
      throw new HttpError(400, "bad Content-Length");
    }
    if (length > maxBody) {
      throw new HttpError(413, "request body over " + maxBody + " bytes");
    }
    return (int) length;
  }
}
