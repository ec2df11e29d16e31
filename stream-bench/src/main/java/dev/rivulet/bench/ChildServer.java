package dev.rivulet.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark server in a child process (a JVM running {@link BenchServer}, Node running {@code
 * stream-bench/node/broadcast-server.js}, or nginx + nchan): waits until it listens (its
 * "listening" line, or for nginx a connect), sends it stdin commands, reads their one-line answers,
 * and stops it on close. Its stderr goes to this process's stderr.
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
    process = start(command, dir);
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

  /** A server that prints nothing: ready once {@code port} accepts a connection. */
  private ChildServer(String name, List<String> command, int port) throws IOException {
    this.name = name;
    this.port = port;
    process = start(command, null);
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          process.destroyForcibly();
          throw new IOException(name + " did not listen on " + port + ": " + command, e);
        }
        Thread.onSpinWait();
      }
    }
  }

  private static Process start(List<String> command, File dir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (dir != null) {
      pb.directory(dir);
    }
    return pb.start();
  }

  /**
   * A JVM running {@link BenchServer} with {@code jvmOptions}: from {@code classpath} (null = this
   * JVM's, e.g. another build's benchmarks jar to compare against), with {@code selectors} selector
   * threads (0 = the server's default).
   */
  static ChildServer rivulet(String name, List<String> jvmOptions, String classpath, int selectors)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath != null ? classpath : System.getProperty("java.class.path"));
    cmd.add(BenchServer.class.getName());
    cmd.add("0");
    if (selectors > 0) {
      cmd.add(Integer.toString(selectors));
    }
    return new ChildServer(name, cmd, null);
  }

  /**
   * nginx with the nchan module as one process ({@code master_process off}, one worker loop), its
   * configuration ({@link NchanConfig}) written to a fresh temporary prefix directory.
   */
  static ChildServer nchan(List<String> groups) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path dir = Files.createTempDirectory("rivulet-nchan");
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, NchanConfig.text(port, groups));
    List<String> cmd =
        List.of(
            "nginx",
            "-p",
            dir.toString(),
            "-c",
            conf.toString(),
            "-e",
            dir.resolve("error.log").toString());
    return new ChildServer("nginx nchan", cmd, port);
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

  /** CPU seconds (user + system) the child has used so far, from /proc (Linux). */
  double cpuSeconds() {
    return cpuSecondsOf(process.pid());
  }

  /** CPU seconds (user + system) of process {@code pid} from /proc/PID/stat. */
  static double cpuSecondsOf(long pid) {
    ProcessProbe.Sample s = ProcessProbe.sample(pid);
    return s.userSeconds() + s.systemSeconds();
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
    if (name.startsWith("nginx")) {
      process.destroy(); // nginx stops on SIGTERM; it does not read stdin
    }
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
