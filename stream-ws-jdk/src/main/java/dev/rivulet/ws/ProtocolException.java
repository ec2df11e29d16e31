package dev.rivulet.ws;

/** A WebSocket protocol violation; the connection is closed with {@link #code()}. */
final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;

  ProtocolException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
