package dev.rivulet.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --config FILE} (SPEC §12): the iii engine's YAML for its {@code iii-stream} worker — an
 * engine {@code config.yaml} (its {@code workers:} entry named {@code iii-stream}), a worker file
 * ({@code name: iii-stream} with {@code config:}), or the bare config block. Read: {@code port},
 * {@code host}, {@code auth_function}, {@code adapter} ({@code kv} with {@code store_method} {@code
 * in_memory}|{@code file_based} and {@code file_path}, or {@code redis} with {@code redis_url});
 * {@code ${VAR}} and {@code ${VAR:default}} are expanded from the environment. Other keys are
 * ignored.
 */
final class StreamConfigFile {
  private static final Pattern VAR =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

  private static final ObjectMapper YAML = new YAMLMapper();

  private StreamConfigFile() {}

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  /** Expands {@code ${VAR:default}} in every string; scalars become strings, as flags are. */
  private static Object expandAll(Object node, Map<String, String> env) {
    if (node instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, expandAll(v, env)));
      return out;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(v -> expandAll(v, env)).toList();
    }
    return node == null ? null : expand(String.valueOf(node), env);
  }

  /** Applies {@code file} to {@code f}; flags given on the command line are applied after it. */
  static void apply(String file, ServerFlags f, Map<String, String> env)
      throws ServerFlags.BadFlag {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ServerFlags.BadFlag("--config " + file + ": cannot read: " + e.getMessage());
    }
    try {
      Map<?, ?> config = streamConfig(expandAll(YAML.readValue(text, Object.class), env));
      if (config == null) {
        return;
      }
      String port = string(config, "port");
      if (port != null) {
        f.port = ServerFlags.port(port, "port");
      }
      String host = string(config, "host");
      if (host != null) {
        f.host = host;
      }
      String auth = string(config, "auth_function");
      if (auth != null) {
        f.authFunction = auth;
      }
      if (config.get("adapter") instanceof Map<?, ?> adapter) {
        adapter(adapter, f);
      }
    } catch (IllegalArgumentException e) {
      throw new ServerFlags.BadFlag("--config " + file + ": " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new ServerFlags.BadFlag(
          "--config "
              + file
              + ": not YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse("")
              + location(e));
    } catch (ServerFlags.BadFlag e) {
      throw new ServerFlags.BadFlag("--config " + file + ": " + e.getMessage());
    }
  }

  private static Map<?, ?> streamConfig(Object root) {
    if (!(root instanceof Map<?, ?> top)) {
      return null;
    }
    if (top.get("workers") instanceof List<?> workers) {
      for (Object w : workers) {
        if (w instanceof Map<?, ?> worker && "iii-stream".equals(worker.get("name"))) {
          return worker.get("config") instanceof Map<?, ?> c ? c : null;
        }
      }
      return null;
    }
    if (top.get("config") instanceof Map<?, ?> c) {
      return c;
    }
    return top;
  }

  private static void adapter(Map<?, ?> adapter, ServerFlags f) {
    String name = string(adapter, "name");
    Map<?, ?> config = adapter.get("config") instanceof Map<?, ?> c ? c : Map.of();
    if ("redis".equals(name)) {
      String url = string(config, "redis_url");
      f.redisUrl = url != null ? url : "redis://localhost:6379";
    } else if ("kv".equals(name) || name == null) {
      String method = string(config, "store_method");
      if (method == null || method.equals("in_memory")) {
        f.store = "memory";
      } else if (method.equals("file_based")) {
        f.store = "file";
      } else {
        throw new IllegalArgumentException(
            "adapter store_method must be in_memory or file_based: " + method);
      }
      String path = string(config, "file_path");
      if (path != null) {
        f.dataDir = path;
      }
    } else {
      throw new IllegalArgumentException("unsupported adapter " + name + " (kv or redis)");
    }
  }

  private static String string(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(key + " must be a scalar");
    }
    return s;
  }

  /**
   * {@code ${VAR}} / {@code ${VAR:default}} from {@code env}; an unset VAR without default is "".
   */
  static String expand(String value, Map<String, String> env) {
    Matcher m = VAR.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null) {
        v = m.group(2) == null ? "" : m.group(2);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
