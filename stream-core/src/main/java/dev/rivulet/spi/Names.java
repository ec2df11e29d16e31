package dev.rivulet.spi;

import java.util.Comparator;

/** Name helpers shared by adapters. */
public final class Names {
  /**
   * Sort order of stream and group names: by Unicode code point, which equals the byte order of
   * their UTF-8 encodings (the order the reference uses).
   */
  public static final Comparator<String> ORDER = Names::compareCodePoints;

  private Names() {}

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
