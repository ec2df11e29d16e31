package dev.rivulet.ws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The part of YAML that iii config files use, so that {@code --config} needs no YAML library: block
 * mappings and block sequences by indentation, plain, single- and double-quoted scalars, {@code {}}
 * and {@code []}, and {@code #} comments. Values are {@code Map<String,Object>} (insertion order),
 * {@code List<Object>}, {@code String} or null; every scalar is a string (the caller converts).
 * Anything else (flow collections with content, anchors, multi-line scalars, tabs) is refused with
 * {@link IllegalArgumentException} naming the line.
 */
final class MiniYaml {
  private record Line(int number, int indent, String text) {}

  private final List<Line> lines = new ArrayList<>();
  private final UnaryOperator<String> expand;
  private int at;

  private MiniYaml(String text, UnaryOperator<String> expand) {
    this.expand = expand;
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String line = stripComment(raw[i]).stripTrailing();
      if (line.isBlank() || line.equals("---")) {
        continue;
      }
      int indent = 0;
      while (line.charAt(indent) == ' ') {
        indent++;
      }
      if (line.charAt(indent) == '\t') {
        throw new IllegalArgumentException("line " + (i + 1) + ": tabs are not allowed");
      }
      lines.add(new Line(i + 1, indent, line.substring(indent)));
    }
  }

  /**
   * Parses {@code text}; {@code expand} rewrites each scalar before it is stored (e.g. {@code
   * ${VAR:default}}).
   */
  static Object parse(String text, UnaryOperator<String> expand) {
    MiniYaml y = new MiniYaml(text, expand);
    if (y.lines.isEmpty()) {
      return null;
    }
    Object value = y.block(y.lines.get(0).indent);
    if (y.at < y.lines.size()) {
      throw y.error(y.lines.get(y.at), "unexpected indentation");
    }
    return value;
  }

  private static String stripComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private Object block(int indent) {
    Line first = lines.get(at);
    return isItem(first) ? sequence(indent) : mapping(indent);
  }

  private static boolean isItem(Line line) {
    return line.text.equals("-") || line.text.startsWith("- ");
  }

  private Map<String, Object> mapping(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (at < lines.size() && lines.get(at).indent == indent && !isItem(lines.get(at))) {
      Line line = lines.get(at++);
      int colon = keyEnd(line);
      String key = unquote(line, line.text.substring(0, colon).trim());
      String rest = line.text.substring(colon + 1).trim();
      Object value;
      if (!rest.isEmpty()) {
        value = scalar(line, rest);
      } else if (at < lines.size() && lines.get(at).indent > indent) {
        value = block(lines.get(at).indent);
      } else if (at < lines.size() && lines.get(at).indent == indent && isItem(lines.get(at))) {
        value = sequence(indent); // "key:\n- item" at the key's own indentation
      } else {
        value = null;
      }
      if (map.containsKey(key)) {
        throw error(line, "duplicate key " + key);
      }
      map.put(key, value);
    }
    return map;
  }

  private List<Object> sequence(int indent) {
    List<Object> list = new ArrayList<>();
    while (at < lines.size() && lines.get(at).indent == indent && isItem(lines.get(at))) {
      Line line = lines.get(at);
      String rest = line.text.substring(1).trim();
      if (rest.isEmpty()) {
        at++;
        list.add(
            at < lines.size() && lines.get(at).indent > indent
                ? block(lines.get(at).indent)
                : null);
      } else if (isMappingEntry(rest)) {
        // "- key: value": a mapping whose first line starts after the dash
        int inner = indent + line.text.indexOf(rest, 1);
        lines.set(at, new Line(line.number, inner, rest));
        list.add(mapping(inner));
      } else {
        at++;
        list.add(scalar(line, rest));
      }
    }
    return list;
  }

  private static boolean isMappingEntry(String text) {
    if (text.startsWith("\"") || text.startsWith("'")) {
      char q = text.charAt(0);
      int end = text.indexOf(q, 1);
      return end > 0 && text.substring(end + 1).trim().startsWith(":");
    }
    int colon = text.indexOf(':');
    return colon > 0 && (colon == text.length() - 1 || text.charAt(colon + 1) == ' ');
  }

  /** Index of the colon ending the key of a mapping line. */
  private int keyEnd(Line line) {
    String t = line.text;
    int from = 0;
    if (t.startsWith("\"") || t.startsWith("'")) {
      from = t.indexOf(t.charAt(0), 1);
      if (from < 0) {
        throw error(line, "unterminated quoted key");
      }
    }
    for (int i = from; i < t.length(); i++) {
      if (t.charAt(i) == ':' && (i == t.length() - 1 || t.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    throw error(line, "expected 'key: value'");
  }

  private Object scalar(Line line, String text) {
    if (text.equals("{}")) {
      return new LinkedHashMap<String, Object>();
    }
    if (text.equals("[]")) {
      return new ArrayList<>();
    }
    if (text.startsWith("{")
        || text.startsWith("[")
        || text.startsWith("&")
        || text.startsWith("*")
        || text.startsWith("|")
        || text.startsWith(">")
        || text.startsWith("!")) {
      throw error(line, "unsupported YAML: " + text);
    }
    if (text.equals("~") || text.equals("null")) {
      return null;
    }
    return expand.apply(unquote(line, text));
  }

  private String unquote(Line line, String text) {
    if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
      return text.substring(1, text.length() - 1).replace("''", "'");
    }
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      String body = text.substring(1, text.length() - 1);
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < body.length(); i++) {
        char c = body.charAt(i);
        if (c == '\\' && i + 1 < body.length()) {
          char e = body.charAt(++i);
          out.append(
              switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case '"', '\\', '/' -> e;
                default -> throw error(line, "unsupported escape \\" + e);
              });
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
    if (text.startsWith("\"") || text.startsWith("'")) {
      throw error(line, "unterminated quoted scalar");
    }
    return text;
  }

  private IllegalArgumentException error(Line line, String message) {
    return new IllegalArgumentException("line " + line.number + ": " + message);
  }
}
