package dev.rivulet.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The standalone server's flags (SPEC §1), each also readable from an environment variable. */
final class ServerFlags {
  String host = "127.0.0.1";
  int port = 3112;
  String store = "memory";
  String dataDir = "./data/stream_store";
  String fsync = "always";
  String redisUrl;
  boolean httpInvoke;
  boolean echo;
  boolean iiiWorkers;
  String authToken;
  String authFunction;
  final List<String> allowedOrigins = new ArrayList<>();

  /** Null = the engine's default (1 048 576). */
  Integer maxItemBytes;

  boolean help;

  static final String USAGE =
      """
      usage: java -jar rivulet-server.jar [flags]
        --host H              address to bind (env STREAM_HOST, default 127.0.0.1)
        --port P              port, 0 = any free port (env STREAM_PORT, default 3112)
        --store memory|file   storage (default memory)
        --data-dir DIR        directory of --store file (default ./data/stream_store)
        --fsync always|batch|off  durability of --store file (default always)
        --redis-url URL       use Redis instead of kv (env REDIS_URL)
        --http-invoke         enable POST /invoke/{functionId}
        --echo                enable the plain WebSocket echo endpoint /echo
        --iii-workers         serve the iii worker protocol at /iii, for iii-sdk workers
                              (registerWorker('ws://HOST:PORT/iii'))
        --auth-token T        require Bearer T or ?token=T (env STREAM_AUTH_TOKEN)
        --auth-function ID    call function ID before each stream upgrade (e.g. one an iii
                              worker registers); 503 while it is not registered
        --config FILE         the iii engine's YAML for iii-stream (port, host, auth_function,
                              adapter kv/redis, ${VAR:default}); env and flags override it
        --allowed-origin O    a browser origin (scheme://host[:port], null, or * = any) besides
                              the server's own that may connect and invoke; repeatable.
                              Other origins get 403; clients sending no Origin are unaffected
        --max-item-bytes N    largest item value, as serialized JSON; larger writes get
                              value_too_large / HTTP 413 (default 1048576)
        --help                print this help
      """;

  /** Thrown for a bad command line; the message is the one-line error. */
  static final class BadFlag extends Exception {
    private static final long serialVersionUID = 1L;

    BadFlag(String message) {
      super(message);
    }
  }

  static ServerFlags parse(String[] args, Map<String, String> env) throws BadFlag {
    ServerFlags f = new ServerFlags();
    for (int i = 0; i < args.length; i++) { // the file first: env and flags override it
      if (args[i].equals("--config")) {
        StreamConfigFile.apply(value(args, i + 1, "--config"), f, env);
      }
    }
    if (env.get("STREAM_HOST") != null) {
      f.host = env.get("STREAM_HOST");
    }
    if (env.get("STREAM_PORT") != null) {
      f.port = port(env.get("STREAM_PORT"), "STREAM_PORT");
    }
    if (env.get("REDIS_URL") != null) {
      f.redisUrl = env.get("REDIS_URL");
    }
    if (env.get("STREAM_AUTH_TOKEN") != null) {
      f.authToken = env.get("STREAM_AUTH_TOKEN");
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> f.help = true;
        case "--http-invoke" -> f.httpInvoke = true;
        case "--echo" -> f.echo = true;
        case "--iii-workers" -> f.iiiWorkers = true;
        case "--host" -> f.host = value(args, ++i, arg);
        case "--port" -> f.port = port(value(args, ++i, arg), arg);
        case "--store" -> f.store = oneOf(value(args, ++i, arg), arg, "memory", "file");
        case "--data-dir" -> f.dataDir = value(args, ++i, arg);
        case "--fsync" -> f.fsync = oneOf(value(args, ++i, arg), arg, "always", "batch", "off");
        case "--redis-url" -> f.redisUrl = value(args, ++i, arg);
        case "--auth-token" -> f.authToken = value(args, ++i, arg);
        case "--auth-function" -> f.authFunction = value(args, ++i, arg);
        case "--config" -> value(args, ++i, arg); // read above
        case "--allowed-origin" -> f.allowedOrigins.add(origin(value(args, ++i, arg), arg));
        case "--max-item-bytes" -> f.maxItemBytes = positive(value(args, ++i, arg), arg);
        default -> throw new BadFlag("unknown flag: " + arg + " (see --help)");
      }
    }
    if (f.host.isBlank()) {
      throw new BadFlag("--host must not be blank");
    }
    if (f.authFunction != null && f.authFunction.isBlank()) {
      throw new BadFlag("--auth-function must not be blank");
    }
    if (f.authToken != null && f.authToken.isEmpty()) {
      throw new BadFlag("--auth-token must not be empty");
    }
    return f;
  }

  private static String value(String[] args, int i, String flag) throws BadFlag {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new BadFlag(flag + " needs a value");
    }
    return args[i];
  }

  private static String origin(String value, String flag) throws BadFlag {
    try {
      return OriginPolicy.normalize(value);
    } catch (IllegalArgumentException e) {
      throw new BadFlag(flag + ": " + e.getMessage());
    }
  }

  static int port(String value, String flag) throws BadFlag {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new BadFlag(flag + " must be a port in 0..65535: " + value);
  }

  private static int positive(String value, String flag) throws BadFlag {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new BadFlag(flag + " must be a whole number of bytes in 1..2147483647: " + value);
  }

  private static String oneOf(String value, String flag, String... allowed) throws BadFlag {
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw new BadFlag(flag + " must be one of " + String.join("|", allowed) + ": " + value);
  }
}
