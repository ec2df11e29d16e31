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

    /** The complete answer when the refusal has its own (error code, headers); else null. */
    final byte[] response;

    HttpError(int status, String message) {
      this(status, message, null);
    }

    HttpError(int status, String message, byte[] response) {
      super(message, null, false, false);
      this.status = status;
      this.response = response;
    }
  }

  /** Decides, from the head, whether a request may send a body; throws the refusal otherwise. */
  interface BodyGate {
    void admit(HttpRequest head) throws HttpError;
  }

  private static final int FIRST_HEAD = 512;
  private static final int FIRST_BODY = 4096;

  private final int maxBody;
  private final RequestBudget budget;
  private final BodyGate gate;
  private byte[] head;
  private int headLen;
  private HttpRequest request;
  private int bodyLength;
  private byte[] body = new byte[0];
  private int bodyLen;
  private long reserved;

  /**
   * @param maxBody the largest accepted request body (413 above)
   * @param budget the server-wide budget the buffers of this request are charged to
   * @param gate asked once the head is complete and it announces a body
   */
  HttpRequestParser(int maxBody, RequestBudget budget, BodyGate gate) {
    this.maxBody = maxBody;
    this.budget = budget;
    this.gate = gate;
  }

  /** Test constructor: unlimited budget, every body admitted. */
  HttpRequestParser(int maxBody) {
    this(maxBody, new RequestBudget(Long.MAX_VALUE), h -> {});
  }

  /**
   * Consumes bytes from {@code in} up to the end of one request; returns it once complete (the
   * bytes after it stay in {@code in}), or null when more input is needed. Buffers grow with the
   * bytes received, never with a claimed length.
   */
  HttpRequest feed(ByteBuffer in) throws HttpError {
    if (request == null) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (head == null || headLen == head.length) {
          int size = head == null ? FIRST_HEAD : Math.min(MAX_HEADER_BYTES, head.length * 2);
          charge(size - (head == null ? 0 : head.length));
          head = head == null ? new byte[size] : Arrays.copyOf(head, size);
        }
        head[headLen++] = b;
        if (b == '\n' && endsHead()) {
          request = parseHead();
          budget.release(head.length);
          reserved -= head.length;
          head = null;
          bodyLength = contentLength(request);
          if (bodyLength == 0) {
            return request;
          }
          gate.admit(request);
          break;
        }
        checkLimits();
      }
      if (request == null) {
        return null;
      }
    }
    while (in.hasRemaining() && bodyLen < bodyLength) {
      if (bodyLen == body.length) {
        int size = Math.min(bodyLength, Math.max(FIRST_BODY, body.length * 2));
        charge(size - body.length);
        body = Arrays.copyOf(body, size);
      }
      int n = Math.min(in.remaining(), body.length - bodyLen);
      in.get(body, bodyLen, n);
      bodyLen += n;
    }
    if (bodyLen < bodyLength) {
      return null;
    }
    HttpRequest r = request;
    return new HttpRequest(
        r.method(), r.target(), r.path(), r.rawQuery(), r.version(), r.headers(), body);
  }

  private void charge(int bytes) throws HttpError {
    if (!budget.reserve(bytes)) {
      throw new HttpError(
          503, "server busy: pending request bytes over " + budget.max() + "; retry later");
    }
    reserved += bytes;
  }

  /** Returns this request's buffers to the budget (once complete, refused or closed). */
  void release() {
    budget.release(reserved);
    reserved = 0;
    head = null;
    body = new byte[0];
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
    for (int i = 0; i < headLen; i++) {
      if (head[i] == '\r' && (i + 1 == headLen || head[i + 1] != '\n')) {
        throw new HttpError(400, "bare CR in the request head");
      }
    }
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
    return new HttpRequest(parts[0], target, path, query, parts[2], headers, new byte[0]);
  }

  /**
   * The body length: every Content-Length value (repeated headers and comma lists) must be plain
   * decimal digits and all must agree (RFC 9112 §6.3); else 400.
   */
  private int contentLength(HttpRequest r) throws HttpError {
    if (r.header("transfer-encoding") != null) {
      throw new HttpError(411, "chunked request bodies are not supported; send Content-Length");
    }
    List<String> values = r.headers().get("content-length");
    if (values == null) {
      return 0;
    }
    String length = null;
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        String digits = part.trim();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new HttpError(400, "bad Content-Length: '" + value + "'");
        }
        digits = digits.replaceFirst("^0+(?=.)", "");
        if (length != null && !length.equals(digits)) {
          throw new HttpError(400, "conflicting Content-Length values: " + values);
        }
        length = digits;
      }
    }
    if (length.length() > 10 || Long.parseLong(length) > maxBody) {
      throw new HttpError(413, "request body over " + maxBody + " bytes");
    }
    return Integer.parseInt(length);
  }
}
