package dev.rivulet.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark server in a child process (a JVM running {@link BenchServer} or Node running {@code
 * stream-bench/node/broadcast-server.js}): waits for its "listening" line, sends it stdin commands,
 * reads their one-line answers, and stops it on close. Its stderr goes to this process's stderr.
 */
final class ChildServer implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/");

  final String name;
  final int port;
  private final Process process;
  private final BufferedReader out;
  private final Writer in;

  private ChildServer(String name, List<String> command, File dir) throws IOException {
    this.name = name;
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (dir != null) {
      pb.directory(dir);
    }
    process = pb.start();
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
        return;
      }
    }
    process.destroyForcibly();
    throw new IOException(name + " exited before listening: " + command);
  }

  /** A JVM running {@link BenchServer} from the same classpath with {@code jvmOptions}. */
  static ChildServer rivulet(List<String> jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchServer.class.getName());
    cmd.add("0");
    return new ChildServer("rivulet", cmd, null);
  }

  /** Node running broadcast-server.js from {@code nodeDir}; runs npm install first if needed. */
  static ChildServer node(Path nodeDir, List<String> nodeOptions) throws IOException {
    if (!Files.isDirectory(nodeDir.resolve("node_modules").resolve("ws"))) {
      System.err.println("npm install --no-audit --no-fund in " + nodeDir);
      Process npm =
          new ProcessBuilder("npm", "install", "--no-audit", "--no-fund")
              .directory(nodeDir.toFile())
              .inheritIO()
              .start();
      try {
        if (npm.waitFor() != 0) {
          throw new IOException("npm install failed in " + nodeDir);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.addAll(nodeOptions);
    cmd.add("broadcast-server.js");
    cmd.add("0");
    return new ChildServer("node ws@8", cmd, nodeDir.toFile());
  }

  long pid() {
    return process.pid();
  }

  /** CPU seconds (user + system) the child has used so far, from /proc (Linux); -1 if unknown. */
  double cpuSeconds() {
    return cpuSecondsOf(process.pid());
  }

  /** CPU seconds (user + system) of process {@code pid} from /proc/PID/stat; -1 if unknown. */
  static double cpuSecondsOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name; 100 Hz ticks
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Sends {@code command} and returns the number of its answer line {@code "<command> <n>"}. */
  synchronized long ask(String command) throws IOException {
    in.write(command + "\n");
    in.flush();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(command + " ")) {
        return Long.parseLong(line.substring(command.length() + 1).trim());
      }
    }
    throw new IOException(name + " exited while answering " + command);
  }

  @Override
  public void close() {
    try {
      in.write("quit\n");
      in.flush();
      in.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
