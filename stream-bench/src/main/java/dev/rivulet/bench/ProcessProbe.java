package dev.rivulet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks read about a server process on Linux: user and system CPU from {@code
 * /proc/PID/stat}, context switches summed over its threads from {@code /proc/PID/task/TID/status},
 * and system call counts from {@code strace -c -f -p PID}.
 */
final class ProcessProbe {
  private ProcessProbe() {}

  /** CPU and context switches of a process at one moment. */
  record Sample(double userSeconds, double systemSeconds, long voluntary, long nonvoluntary) {
    Sample minus(Sample before) {
      return new Sample(
          userSeconds - before.userSeconds,
          systemSeconds - before.systemSeconds,
          voluntary - before.voluntary,
          nonvoluntary - before.nonvoluntary);
    }
  }

  /** Reads {@code pid}'s figures now (zeros where /proc cannot be read). */
  static Sample sample(long pid) {
    double user = 0;
    double system = 0;
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name; 100 Hz ticks
      user = Long.parseLong(f[11]) / 100.0;
      system = Long.parseLong(f[12]) / 100.0;
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    long voluntary = 0;
    long nonvoluntary = 0;
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        for (String line : Files.readAllLines(task.resolve("status"))) {
          if (line.startsWith("voluntary_ctxt_switches:")) {
            voluntary += Long.parseLong(line.substring(24).trim());
          } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
            nonvoluntary += Long.parseLong(line.substring(27).trim());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // a thread ended while being read, or no /proc: count what was read
    }
    return new Sample(user, system, voluntary, nonvoluntary);
  }

  /** An {@code strace -c -f} attached to a process until {@link #stop()}. */
  static final class Strace {
    private final Process process;
    private final Path output;

    private Strace(Process process, Path output) {
      this.process = process;
      this.output = output;
    }

    /** Attaches to every thread of {@code pid} and returns once strace says it is attached. */
    static Strace attach(long pid) throws IOException {
      Path out = Files.createTempFile("rivulet-strace", ".txt");
      Process p =
          new ProcessBuilder("strace", "-c", "-f", "-o", out.toString(), "-p", Long.toString(pid))
              .start();
      BufferedReader err =
          new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
      String line = err.readLine();
      if (line == null || !line.contains("attached")) {
        p.destroyForcibly();
        throw new IOException("strace did not attach to " + pid + ": " + line);
      }
      Thread drain =
          new Thread(
              () -> {
                try {
                  while (err.readLine() != null) {
                    // "Process N attached" for threads started later
                  }
                } catch (IOException e) {
                  // strace ended
                }
              },
              "strace-stderr");
      drain.setDaemon(true);
      drain.start();
      return new Strace(p, out);
    }

    /** Detaches (SIGTERM) and returns the calls per system call name. */
    Map<String, Long> stop() throws IOException, InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("strace did not detach");
      }
      Map<String, Long> calls = parse(Files.readAllLines(output));
      Files.deleteIfExists(output);
      return calls;
    }
  }

  /** Parses an {@code strace -c} summary: name → calls (the "total" line is kept as "total"). */
  static Map<String, Long> parse(List<String> lines) {
    Map<String, Long> calls = new HashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      // % time, seconds, usecs/call, calls, [errors], syscall
      if (f.length >= 5 && f[0].matches("[0-9.]+") && f[3].matches("\\d+")) {
        calls.merge(f[f.length - 1], Long.parseLong(f[3]), Long::sum);
      }
    }
    return calls;
  }
}
