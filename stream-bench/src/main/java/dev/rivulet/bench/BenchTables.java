package dev.rivulet.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** Runs a JMH class and prints one table row per benchmark with the ratio to the baseline. */
final class BenchTables {
  private BenchTables() {}

  static void runAndPrint(
      Class<?> benchmark, String title, String subject, String baseline, String[] args)
      throws RunnerException {
    Options options;
    try {
      options =
          new OptionsBuilder()
              .parent(new CommandLineOptions(args))
              .include(benchmark.getName() + "\\.")
              .build();
    } catch (CommandLineOptionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Collection<RunResult> results = new Runner(options).run();
    double subjectScore = score(results, subject);
    double baselineScore = score(results, baseline);
    System.out.println();
    System.out.println("| " + title + " | score | error (99.9%) | vs baseline |");
    System.out.println("|---|---:|---:|---:|");
    for (RunResult result : results) {
      String name = result.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      double score = result.getPrimaryResult().getScore();
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.0f | ± %,.0f | %.2f× |%n",
          name,
          score,
          result.getPrimaryResult().getScoreError(),
          score / baselineScore);
    }
    System.out.printf(
        Locale.ROOT, "%n%s / %s = %.2f×%n", subject, baseline, subjectScore / baselineScore);
  }

  private static double score(Collection<RunResult> results, String method) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no result for " + method))
        .getPrimaryResult()
        .getScore();
  }
}
