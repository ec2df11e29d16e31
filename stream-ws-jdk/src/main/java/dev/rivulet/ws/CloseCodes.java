package dev.rivulet.ws;

/** RFC 6455 close status codes used by the server. */
final class CloseCodes {
  static final int NORMAL = 1000;
  static final int GOING_AWAY = 1001;
  static final int PROTOCOL_ERROR = 1002;
  static final int NO_STATUS = 1005;
  static final int INVALID_PAYLOAD = 1007;
  static final int POLICY_VIOLATION = 1008;
  static final int TOO_BIG = 1009;
  static final int INTERNAL_ERROR = 1011;
  static final int TRY_AGAIN_LATER = 1013;
  static final int SLOW_CONSUMER = 4008;

  private CloseCodes() {}

  /** Whether a peer may send {@code code} in a close frame. */
  static boolean isValidOnWire(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }
}
