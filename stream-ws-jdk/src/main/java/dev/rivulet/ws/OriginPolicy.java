package dev.rivulet.ws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which browser origins may upgrade to WebSocket or call HTTP invoke (SPEC §9 "Browser origins"). A
 * request without {@code Origin} (not a browser) is unaffected; one from the server's own origin
 * (scheme-less host:port equal to {@code Host}) or from an allowed origin passes; anything else,
 * {@code Origin: null} included, is refused with 403. Allowed cross origins get CORS headers.
 */
final class OriginPolicy {
  /** What a request's {@code Origin} header makes of it. */
  enum Verdict {
    /** No {@code Origin}: not a browser, or a same-origin GET; the policy does not apply. */
    NO_ORIGIN,
    SAME_ORIGIN,
    ALLOWED_CROSS_ORIGIN,
    FORBIDDEN
  }

  static final String ANY = "*";
  private static final String NULL_ORIGIN = "null";
  private static final String PREFLIGHT_MAX_AGE = "600";

  private final boolean any;
  private final Set<String> allowed;

  private OriginPolicy(boolean any, Set<String> allowed) {
    this.any = any;
    this.allowed = allowed;
  }

  /** Only the server's own origin (and non-browser clients). */
  static OriginPolicy sameOriginOnly() {
    return new OriginPolicy(false, Set.of());
  }

  /**
   * A policy allowing {@code origins} besides the server's own: each is {@code *} (any origin),
   * {@code null} (the opaque origin of sandboxed and {@code file:} pages) or {@code
   * scheme://host[:port]}.
   *
   * @throws IllegalArgumentException for a malformed origin, naming it
   */
  static OriginPolicy allowing(List<String> origins) {
    boolean any = false;
    Set<String> set = new LinkedHashSet<>();
    for (String origin : origins) {
      String normalized = normalize(origin);
      any |= normalized.equals(ANY);
      set.add(normalized);
    }
    return new OriginPolicy(any, Set.copyOf(set));
  }

  /** The canonical form of an allow-list entry (lower case, no trailing slash). */
  static String normalize(String origin) {
    if (origin == null || origin.isBlank()) {
      throw new IllegalArgumentException("allowed origin must not be blank: " + origin);
    }
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    if (o.equals(ANY) || o.equals(NULL_ORIGIN)) {
      return o;
    }
    try {
      URI uri = new URI(o);
      if (uri.getScheme() == null
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || !uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "allowed origin must be *, null or scheme://host[:port]: " + origin);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "allowed origin must be *, null or scheme://host[:port]: " + origin, e);
    }
    return o;
  }

  Verdict check(HttpRequest request) {
    List<String> origins = request.headers().get("origin");
    if (origins == null || origins.isEmpty()) {
      return Verdict.NO_ORIGIN;
    }
    if (origins.size() > 1) {
      return Verdict.FORBIDDEN; // a browser sends one; two are a forgery attempt
    }
    String origin = origins.get(0).trim().toLowerCase(Locale.ROOT);
    if (!origin.equals(NULL_ORIGIN) && isOwn(origin, request.header("host"))) {
      return Verdict.SAME_ORIGIN;
    }
    return any || allowed.contains(origin) ? Verdict.ALLOWED_CROSS_ORIGIN : Verdict.FORBIDDEN;
  }

  /** Whether the origin's host:port is the {@code Host} the request was sent to. */
  private static boolean isOwn(String origin, String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    int schemeEnd = origin.indexOf("://");
    if (schemeEnd <= 0) {
      return false;
    }
    String scheme = origin.substring(0, schemeEnd);
    String authority = origin.substring(schemeEnd + 3);
    if (authority.isEmpty() || authority.contains("/") || authority.contains("@")) {
      return false;
    }
    String defaultPort = scheme.equals("https") || scheme.equals("wss") ? "443" : "80";
    return withPort(authority, defaultPort)
        .equals(withPort(host.trim().toLowerCase(Locale.ROOT), defaultPort));
  }

  /** {@code host[:port]} with the port made explicit (IPv6 literals keep their brackets). */
  private static String withPort(String authority, String defaultPort) {
    int colon = authority.lastIndexOf(':');
    boolean hasPort = colon > authority.lastIndexOf(']');
    return hasPort ? authority : authority + ":" + defaultPort;
  }

  /**
   * The CORS headers of an answer to {@code request}: empty unless it is an allowed cross origin.
   */
  Map<String, String> corsHeaders(HttpRequest request) {
    if (check(request) != Verdict.ALLOWED_CROSS_ORIGIN) {
      return Map.of();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Access-Control-Allow-Origin", request.header("origin").trim());
    headers.put("Access-Control-Allow-Headers", "Content-Type, Authorization");
    headers.put("Vary", "Origin");
    return headers;
  }

  /** The 403 answer to a forbidden origin. */
  static byte[] forbidden(HttpRequest request) {
    return HttpResponses.error(
        403,
        "forbidden_origin",
        "origin " + request.header("origin") + " may not use this server (see allowedOrigins)",
        Map.of("Vary", "Origin"));
  }

  /** The answer to a CORS preflight ({@code OPTIONS}) of an invoke path. */
  byte[] preflight(HttpRequest request) {
    if (check(request) == Verdict.FORBIDDEN) {
      return forbidden(request);
    }
    Map<String, String> headers = new LinkedHashMap<>(corsHeaders(request));
    headers.put("Access-Control-Allow-Methods", "POST, OPTIONS");
    headers.put("Access-Control-Allow-Headers", "Content-Type, Authorization");
    headers.put("Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
    headers.put("Allow", "POST, OPTIONS");
    return HttpResponses.response(204, null, new byte[0], headers);
  }
}
