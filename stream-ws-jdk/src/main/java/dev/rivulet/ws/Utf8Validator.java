package dev.rivulet.ws;

/**
 * Incremental UTF-8 validation (Björn Höhrmann's DFA): feed the bytes of a message in any number of
 * pieces; {@link #isValid} fails as soon as a sequence can no longer become valid, and {@link
 * #isComplete} tells whether the bytes so far end on a character boundary.
 */
final class Utf8Validator {
  static final int ACCEPT = 0;
  static final int REJECT = 12;

  private static final byte[] TYPES = new byte[256];
  private static final byte[] TRANSITIONS = {
    0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12,
    36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
  };

  static {
    for (int b = 0x80; b <= 0x8f; b++) {
      TYPES[b] = 1;
    }
    for (int b = 0x90; b <= 0x9f; b++) {
      TYPES[b] = 9;
    }
    for (int b = 0xa0; b <= 0xbf; b++) {
      TYPES[b] = 7;
    }
    TYPES[0xc0] = 8;
    TYPES[0xc1] = 8;
    for (int b = 0xc2; b <= 0xdf; b++) {
      TYPES[b] = 2;
    }
    TYPES[0xe0] = 10;
    for (int b = 0xe1; b <= 0xef; b++) {
      TYPES[b] = 3;
    }
    TYPES[0xed] = 4;
    TYPES[0xf0] = 11;
    TYPES[0xf1] = 6;
    TYPES[0xf2] = 6;
    TYPES[0xf3] = 6;
    TYPES[0xf4] = 5;
    for (int b = 0xf5; b <= 0xff; b++) {
      TYPES[b] = 8;
    }
  }

  private int state = ACCEPT;

  /** Feeds {@code length} bytes; returns false once the input can no longer be valid UTF-8. */
  boolean feed(byte[] bytes, int offset, int length) {
    int s = state;
    for (int i = offset, end = offset + length; i < end && s != REJECT; i++) {
      s = TRANSITIONS[s + TYPES[bytes[i] & 0xff]];
    }
    state = s;
    return s != REJECT;
  }

  boolean isValid() {
    return state != REJECT;
  }

  /** True when everything fed so far is valid and ends on a character boundary. */
  boolean isComplete() {
    return state == ACCEPT;
  }

  void reset() {
    state = ACCEPT;
  }

  /** Whether {@code bytes} as a whole are valid UTF-8. */
  static boolean isValidUtf8(byte[] bytes, int offset, int length) {
    Utf8Validator v = new Utf8Validator();
    return v.feed(bytes, offset, length) && v.isComplete();
  }
}
