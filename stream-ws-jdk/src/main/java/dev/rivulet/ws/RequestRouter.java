package dev.rivulet.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.JoinRequest;
import dev.rivulet.StreamException;
import dev.rivulet.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a parsed request: WebSocket upgrades of {@code /}, {@code /stream/…} and {@code /echo},
 * {@code POST /invoke/…}, the inspector page; checks the auth token, the connection limit and the
 * auth function. Blocking work (auth function, invoke) runs on the worker pool.
 */
final class RequestRouter implements Connection.Router {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

  private final ServerOptions options;
  private final StreamProtocol protocol;
  private final HttpInvoke invoke;
  private final Executor worker;
  private final AtomicInteger connections;
  private final byte[] inspectorPage;
  private final StatusEndpoints status;
  private final OriginPolicy origins;
  private final IiiWorkers iii;

  RequestRouter(
      ServerOptions options,
      StreamProtocol protocol,
      IiiWorkers iii,
      Executor worker,
      AtomicInteger connections,
      Supplier<ServerStats> stats) {
    this.status = new StatusEndpoints(protocol.engine, stats);
    this.options = options;
    this.protocol = protocol;
    this.invoke = new HttpInvoke(protocol.engine);
    this.worker = worker;
    this.connections = connections;
    this.inspectorPage = options.inspector() ? loadInspector() : null;
    this.origins = options.origins();
    this.iii = iii;
  }

  private static byte[] loadInspector() {
    try (InputStream in = RequestRouter.class.getResourceAsStream("inspector.html")) {
      return in == null ? "<!doctype html><title>rivulet</title>".getBytes() : in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read inspector.html", e);
    }
  }

  @Override
  public void route(Connection c, HttpRequest request) {
    String path = request.path();
    boolean upgrade = Handshake.isUpgrade(request);
    if (upgrade) {
      routeUpgrade(c, request, path);
    } else if (path.startsWith("/invoke/") && options.httpInvoke()) {
      routeInvoke(c, request, path);
    } else if (options.statusEndpoints() && StatusEndpoints.serves(path)) {
      routeStatus(c, request, path);
    } else if (path.equals("/") && !isGetOrHead(request)) {
      c.respond(405, methodNotAllowed("GET, HEAD"));
    } else if (path.equals("/")) {
      boolean head = request.method().equals("HEAD");
      if (inspectorPage != null) {
        c.respond(
            200,
            headOnly(
                head,
                HttpResponses.response(200, "text/html; charset=utf-8", inspectorPage, Map.of())));
      } else {
        c.respond(
            426,
            headOnly(
                head,
                HttpResponses.error(
                    426,
                    "upgrade_required",
                    "this endpoint speaks WebSocket",
                    Map.of("Sec-WebSocket-Version", "13"))));
      }
    } else {
      c.respond(404, HttpResponses.error(404, "not_found", "no such endpoint: " + path));
    }
  }

  /**
   * Memory before trust: only {@code POST /invoke/{fn}} (HTTP invoke enabled, token accepted) may
   * send a body; anything else announcing one is refused before a body byte is buffered.
   */
  @Override
  public void admitBody(HttpRequest head) throws HttpRequestParser.HttpError {
    boolean invokeRoute =
        options.httpInvoke()
            && head.method().equals("POST")
            && head.path().startsWith("/invoke/")
            && !Handshake.isUpgrade(head);
    if (!invokeRoute) {
      String path = head.path();
      boolean known =
          path.equals("/")
              || (options.statusEndpoints() && StatusEndpoints.serves(path))
              || path.startsWith("/stream/")
              || (options.echo() && path.equals("/echo"))
              || isIii(path)
              || (options.httpInvoke() && path.startsWith("/invoke/"));
      if (!known) {
        throw new HttpRequestParser.HttpError(404, "no such endpoint: " + path);
      }
      throw new HttpRequestParser.HttpError(
          400, head.method() + " " + path + " takes no request body");
    }
    byte[] refusal = refuseInvoke(head);
    if (refusal != null) {
      throw new HttpRequestParser.HttpError(status(refusal), "invoke refused", refusal);
    }
  }

  /**
   * The answer refusing an invoke by its head alone — a foreign origin (403), a missing or wrong
   * token (401), a body that is not {@code application/json} (415) — or null when it may run.
   */
  private byte[] refuseInvoke(HttpRequest head) {
    if (origins.check(head) == OriginPolicy.Verdict.FORBIDDEN) {
      return OriginPolicy.forbidden(head);
    }
    Map<String, String> cors = origins.corsHeaders(head);
    if (!tokenOk(head)) {
      return HttpResponses.error(401, "unauthorized", "missing or wrong auth token", cors);
    }
    if (!HttpInvoke.isJson(head.joinedHeader("content-type"))) {
      return HttpResponses.error(
          415,
          "unsupported_media_type",
          "POST /invoke needs Content-Type: application/json, got " + head.header("content-type"),
          cors);
    }
    return null;
  }

  /** The status code of a complete response. */
  private static int status(byte[] response) {
    return Integer.parseInt(new String(response, 9, 3, StandardCharsets.ISO_8859_1));
  }

  private void routeStatus(Connection c, HttpRequest request, String path) {
    if (!isGetOrHead(request)) {
      c.respond(405, methodNotAllowed("GET, HEAD"));
      return;
    }
    if (!tokenOk(request)) {
      c.respond(401, HttpResponses.error(401, "unauthorized", "missing or wrong auth token"));
      return;
    }
    boolean head = request.method().equals("HEAD");
    CompletableFuture<byte[]> answer = offload(c, () -> status.answer(path));
    if (answer != null) {
      answer.whenComplete(
          (response, error) ->
              c.loop.execute(
                  () -> {
                    byte[] r =
                        error == null
                            ? response
                            : HttpResponses.error(500, "internal_error", "status failed");
                    c.respond(status(r), headOnly(head, r));
                  }));
    }
  }

  private static boolean isGetOrHead(HttpRequest request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  private static byte[] methodNotAllowed(String allow) {
    return HttpResponses.error(405, "method_not_allowed", "use " + allow, Map.of("Allow", allow));
  }

  /** A HEAD answer: the GET response's head (same Content-Length), without its body. */
  private static byte[] headOnly(boolean head, byte[] response) {
    if (!head) {
      return response;
    }
    for (int i = 3; i < response.length; i++) {
      if (response[i] == '\n' && response[i - 1] == '\r' && response[i - 2] == '\n') {
        return Arrays.copyOf(response, i + 1);
      }
    }
    return response;
  }

  private void routeUpgrade(Connection c, HttpRequest request, String path) {
    boolean echo = options.echo() && path.equals("/echo");
    boolean iiiPath = isIii(path);
    JoinRequest autoJoin;
    try {
      autoJoin = echo || iiiPath ? null : pathJoin(path);
    } catch (IllegalArgumentException e) {
      c.respond(400, HttpResponses.error(400, "bad_path", "malformed path: " + e.getMessage()));
      return;
    }
    if (!echo && !iiiPath && autoJoin == null && !path.equals("/")) {
      c.respond(404, HttpResponses.error(404, "not_found", "no such endpoint: " + path));
      return;
    }
    StreamException badName = autoJoin == null ? null : JoinCheck.problem(JoinCheck.data(autoJoin));
    if (badName != null) {
      c.respond(400, HttpResponses.error(400, badName.code(), badName.getMessage()));
      return;
    }
    byte[] invalid = Handshake.validate(request);
    if (invalid != null) {
      c.respond(400, invalid);
      return;
    }
    if (origins.check(request) == OriginPolicy.Verdict.FORBIDDEN) {
      c.respond(403, OriginPolicy.forbidden(request));
      return;
    }
    if (!tokenOk(request)) {
      c.respond(401, HttpResponses.error(401, "unauthorized", "missing or wrong auth token"));
      return;
    }
    if (connections.get() > options.maxConnections()) {
      c.respond(503, HttpResponses.error(503, "too_many_connections", "connection limit reached"));
      return;
    }
    String accept = Handshake.accept(request);
    if (echo) {
      c.upgrade(accept, EchoHandler.INSTANCE, ServerOptions.ECHO_MAX_MESSAGE);
      return;
    }
    if (iiiPath) { // the iii worker protocol (SPEC §12): token and origin checked above
      WsHandler handler = path.equals("/iii") ? iii.newSession() : IiiWorkers.TELEMETRY;
      c.upgrade(accept, handler, options.maxMessageSize());
      return;
    }
    if (options.authFunction() == null) {
      c.upgrade(accept, protocol.newSession(null, autoJoin), options.maxMessageSize());
      return;
    }
    ObjectNode input = authInput(c, request);
    CompletableFuture<JsonNode> auth =
        offload(c, () -> protocol.engine.invoke(options.authFunction(), input));
    if (auth == null) {
      return;
    }
    auth.whenComplete(
        (result, error) ->
            c.loop.execute(
                () -> {
                  if (error != null && notRegistered(error)) { // fail closed until it is (§12)
                    c.respond(
                        503,
                        HttpResponses.error(
                            503,
                            "auth_unavailable",
                            "the auth function " + options.authFunction() + " is not registered"));
                    return;
                  }
                  if (error != null || isRefusal(result)) {
                    if (error != null) {
                      LOG.debug("auth function refused {}", c.remote(), error);
                    }
                    c.respond(
                        401, HttpResponses.error(401, "unauthorized", "authentication failed"));
                    return;
                  }
                  JsonNode context = result == null ? null : result.get("context");
                  if (context != null && context.isNull()) {
                    context = null;
                  }
                  JoinRequest join =
                      autoJoin == null
                          ? null
                          : new JoinRequest(
                              autoJoin.subscriptionId(),
                              autoJoin.streamName(),
                              autoJoin.groupId(),
                              autoJoin.itemId(),
                              context);
                  c.upgrade(accept, protocol.newSession(context, join), options.maxMessageSize());
                }));
  }

  private static boolean notRegistered(Throwable error) {
    Throwable e = error.getCause() != null ? error.getCause() : error;
    return e instanceof StreamException se && se.code().equals(StreamException.FUNCTION_NOT_FOUND);
  }

  /** {@code /iii} and the SDK's telemetry connection {@code /iii/otel}, when enabled. */
  private boolean isIii(String path) {
    return iii != null && (path.equals("/iii") || path.equals("/iii/otel"));
  }

  private static boolean isRefusal(JsonNode result) {
    return result != null
        && result.path("unauthorized").isBoolean()
        && result.get("unauthorized").booleanValue();
  }

  /** {@code /stream/{stream}/{group}[/{item}]} → a join with subscription id = the path. */
  static JoinRequest pathJoin(String path) {
    if (!path.startsWith("/stream/")) {
      return null;
    }
    String[] parts = path.substring("/stream/".length()).split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      return null;
    }
    String[] names = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      names[i] = UrlCodec.decodeSegment(parts[i]);
      if (names[i].isEmpty()) {
        return null;
      }
    }
    return new JoinRequest(path, names[0], names[1], names.length == 3 ? names[2] : null, null);
  }

  private ObjectNode authInput(Connection c, HttpRequest request) {
    ObjectNode input = Json.object();
    ObjectNode headers = input.putObject("headers");
    request.headers().forEach((name, values) -> headers.put(name, values.get(values.size() - 1)));
    input.put("path", request.path());
    ObjectNode query = input.putObject("query_params");
    Map<String, List<String>> params;
    try {
      params = UrlCodec.queryParams(request.rawQuery());
    } catch (IllegalArgumentException e) {
      params = Map.of();
    }
    params.forEach(
        (k, vs) -> {
          ArrayNode array = query.putArray(k);
          vs.forEach(array::add);
        });
    input.put("addr", c.remote());
    return input;
  }

  private boolean tokenOk(HttpRequest request) {
    String token = options.authToken();
    if (token == null) {
      return true;
    }
    String auth = request.header("authorization");
    if (auth != null
        && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        && same(auth.substring(7).trim(), token)) {
      return true;
    }
    try {
      List<String> given = UrlCodec.queryParams(request.rawQuery()).get("token");
      return given != null && given.stream().anyMatch(t -> same(t, token));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private void routeInvoke(Connection c, HttpRequest request, String path) {
    if (request.method().equals("OPTIONS")) {
      byte[] preflight = origins.preflight(request);
      c.respond(status(preflight), preflight);
      return;
    }
    if (!request.method().equals("POST")) {
      c.respond(405, methodNotAllowed("POST, OPTIONS"));
      return;
    }
    byte[] refusal = refuseInvoke(request);
    if (refusal != null) {
      c.respond(status(refusal), refusal);
      return;
    }
    Map<String, String> cors = origins.corsHeaders(request);
    String functionId;
    try {
      functionId = UrlCodec.decodeSegment(path.substring("/invoke/".length()));
    } catch (IllegalArgumentException e) {
      c.respond(400, HttpResponses.error(400, "bad_path", "malformed function id", cors));
      return;
    }
    CompletableFuture<byte[]> call = offload(c, () -> invoke.call(functionId, request.body()));
    if (call == null) {
      return;
    }
    call.whenComplete(
        (response, error) ->
            c.loop.execute(
                () ->
                    c.respond(
                        200,
                        HttpResponses.withHeaders(
                            error == null
                                ? response
                                : HttpResponses.error(500, "internal_error", "invoke failed"),
                            cors))));
  }

  /**
   * Runs blocking work on the worker pool; when its queue is full the request is answered 503
   * {@code overloaded} at once (nothing was run) and null is returned.
   */
  private <T> CompletableFuture<T> offload(Connection c, Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, worker);
    } catch (RejectedExecutionException e) {
      c.respond(
          503,
          HttpResponses.error(
              503, "overloaded", "the server is busy; nothing was done, try again", "not_applied"));
      return null;
    }
  }
}
