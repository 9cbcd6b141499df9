package dev.weft.benchmarks;

import dev.weft.benchmarks.adapters.CallSites;
import dev.weft.benchmarks.report.BarChart;
import dev.weft.benchmarks.report.ResultsTable;
import dev.weft.benchmarks.report.Section;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The main job ({@code scripts/bench.sh}): runs a profile of the benchmarks through JMH's
 * {@link Runner}, then prints a table of the results as ratios against the fastest peer, and
 * writes {@code benchmarks/results/<timestamp>/}: JMH's JSON, the table as Markdown and an SVG bar
 * chart of the adapters.
 *
 * <p>Arguments: {@code --quick} (the default), {@code --full}, {@code --smoke} or {@code --adapters} choose the
 * {@link Profile}; every other argument goes to JMH as on its command line and wins over the
 * profile ({@code -f 2}, {@code -p work=noop}, a benchmark regexp, ...). Giving benchmark regexps
 * replaces the profile's list and skips the pinned run. The results directory's parent is
 * {@code benchmarks/results} under the working directory, or the {@code weft.bench.results}
 * system property.
 *
 * <p>Two runs: the main one (every profile benchmark, with the CPU-time and GC profilers), then the
 * latency suite again with each JMH fork pinned to CPU {@value #PINNED_CPU} through {@code taskset}, and
 * told so with {@code -XX:ActiveProcessorCount=1} (the JDK reads the affinity mask too; the flag
 * makes it explicit): there a design that spins while waiting has no spare core to spin on.
 */
public final class BenchMain {
  /** The CPU of the pinned run. */
  static final int PINNED_CPU = 1;

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private BenchMain() {}

  /**
   * Runs the main job.
   *
   * @param args {@code --quick}, {@code --full}, {@code --smoke} or {@code --adapters}, then JMH options; or
   *     {@code --adaptive} alone (then its own arguments): the adaptive-limit scenario, not JMH
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  private static int run(String[] args) {
    if (args.length > 0 && args[0].equals("--adaptive")) { // a scenario, not JMH: see AdaptiveScenario
      try {
        return dev.weft.benchmarks.adaptive.AdaptiveScenario.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      } catch (Exception e) {
        e.printStackTrace();
        return 1;
      }
    }
    Profile profile = Profile.QUICK;
    List<String> jmhArgs = new ArrayList<>();
    for (String arg : args) {
      switch (arg) {
        case "--quick":
          profile = Profile.QUICK;
          break;
        case "--full":
          profile = Profile.FULL;
          break;
        case "--smoke":
          profile = Profile.SMOKE;
          break;
        case "--adapters":
          profile = Profile.ADAPTERS;
          break;
        default:
          jmhArgs.add(arg);
      }
    }
    CommandLineOptions command;
    try {
      command = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    } catch (CommandLineOptionException e) {
      System.err.println("bad JMH option: " + e.getMessage());
      return 2;
    }
    if (command.shouldHelp()) {
      System.out.println("usage: benchmarks.jar [--quick | --full | --smoke | --adapters] [JMH options]\n"
          + "       benchmarks.jar --adaptive [warm-up s] [measured s] [phase s]\n");
      try {
        command.showHelp();
      } catch (IOException e) {
        return 2;
      }
      return 0;
    }
    if (command.shouldList() || command.shouldListWithParams() || command.shouldListProfilers()
        || command.shouldListResultFormats()) {
      // listing is JMH's job: hand it the arguments as given, run nothing
      try {
        org.openjdk.jmh.Main.main(jmhArgs.toArray(new String[0]));
      } catch (IOException e) {
        System.err.println("listing failed: " + e.getMessage());
        return 2;
      }
      return 0;
    }

    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    Path directory = Paths.get(System.getProperty("weft.bench.results", "benchmarks/results"), STAMP.format(now));
    String jvm = command.getJvm().orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    Optional<String> pinnedMissing = pinningMissing();
    boolean userIncludes = !command.getIncludes().isEmpty();
    boolean pinnedRun = !userIncludes && !profile.pinnedIncludes().isEmpty() && pinnedMissing.isEmpty();

    List<String> header = new ArrayList<>();
    header.add("Weft benchmarks, " + profile.describe() + (command.getWarmupIterations().hasValue()
        || command.getMeasurementIterations().hasValue() || command.getForkCount().hasValue()
        ? " (JMH options on the command line override it)" : ""));
    header.add("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
        + " " + System.getProperty("os.arch") + "; date " + now.toLocalDate() + " (UTC)");
    header.add("JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
        + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home"));
    header.add("virtual-thread rows: " + JdkFeatures.virtualThreadsMissing().map(reason -> "unavailable, " + reason)
        .orElse("available"));
    header.add("StructuredTaskScope row: " + JdkFeatures.structuredTaskScopeMissing()
        .map(reason -> "unavailable, " + reason).orElse("available (preview API: its fork runs with --enable-preview)"));
    header.add("pinned run: " + (pinnedRun ? "the latency suite again under taskset -c " + PINNED_CPU
        + " with -XX:ActiveProcessorCount=1"
        : pinnedMissing.map(reason -> "skipped, " + reason)
            .orElse(userIncludes ? "skipped (benchmarks chosen on the command line)" : "none in this profile")));
    header.add("results: " + directory);
    for (String line : header) {
      System.out.println("# " + line);
    }
    System.out.println();

    Collection<RunResult> main;
    Collection<RunResult> pinned = List.of();
    try {
      Files.createDirectories(directory);
      System.out.println("== run 1 of " + (pinnedRun ? 2 : 1) + ": the benchmarks (JMH prints its progress and ETA)");
      main = new Runner(options(command, profile, profile.includes(), profile.params(), profile.warmupIterations(),
          true)
          .result(directory.resolve("jmh-main.json").toString())
          .build()).run();
      if (pinnedRun) {
        System.out.println("== run 2 of 2: the latency suite pinned to CPU " + PINNED_CPU + " (taskset -c " + PINNED_CPU
            + ")");
        Path launcher = pinnedLauncher(directory, jvm);
        // a longer warm-up: on one CPU the JIT compiles on the benchmark's own core (see Profile)
        pinned = new Runner(options(command, profile, profile.pinnedIncludes(), profile.pinnedParams(),
            profile.pinnedWarmupIterations(), false)
            .jvm(launcher.toString())
            .result(directory.resolve("jmh-pinned.json").toString())
            .build()).run();
        Files.delete(launcher);
      }
    } catch (RunnerException e) {
      System.err.println("the benchmarks failed: " + e.getMessage());
      Throwable cause = e.getCause();
      if (cause != null) {
        System.err.println("cause: " + cause);
      }
      return 1;
    } catch (IOException e) {
      System.err.println("cannot write the results under " + directory + ": " + e);
      return 1;
    }

    ResultsTable table = ResultsTable.from(main, pinned);
    String tableText = table.markdown();
    String targets = String.join("\n", table.targets());
    System.out.println();
    System.out.println(tableText);
    System.out.println("### Targets\n");
    System.out.println(targets);
    System.out.println();
    try {
      Files.writeString(directory.resolve("results.md"), report(header, tableText, targets), StandardCharsets.UTF_8);
      List<Section> charted = table.sections().stream()
          .filter(section -> !section.pinned())
          .filter(section -> section.benchmark().equals("AdapterRoundTripBenchmark")
              || section.benchmark().equals("AdapterThroughputBenchmark"))
          .collect(Collectors.toList());
      Files.writeString(directory.resolve("chart.svg"), BarChart.svg("Weft blocking adapters vs peers",
          header.get(0) + "; " + header.get(2).replaceFirst(" at .*", "") + "; " + header.get(1), charted),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("cannot write the results under " + directory + ": " + e);
      return 1;
    }
    System.out.println("wrote " + directory.resolve("results.md") + ", " + directory.resolve("chart.svg")
        + " and JMH's JSON (" + (pinnedRun ? "jmh-main.json, jmh-pinned.json" : "jmh-main.json") + ")");
    return 0;
  }

  private static ChainedOptionsBuilder options(CommandLineOptions command, Profile profile, List<String> includes,
      Map<String, List<String>> params, int warmupIterations, boolean gcProfiler) {
    ChainedOptionsBuilder builder = new OptionsBuilder().parent(command)
        .resultFormat(ResultFormatType.JSON)
        .addProfiler(CpuTimeProfiler.class);
    if (gcProfiler) {
      builder.addProfiler(GCProfiler.class);
    }
    if (command.getIncludes().isEmpty()) {
      includes.forEach(builder::include);
    }
    if (!command.getForkCount().hasValue()) {
      builder.forks(profile.forks());
    }
    if (!command.getWarmupIterations().hasValue()) {
      builder.warmupIterations(warmupIterations);
    }
    if (!command.getWarmupTime().hasValue()) {
      builder.warmupTime(TimeValue.milliseconds(profile.warmupMillis()));
    }
    if (!command.getMeasurementIterations().hasValue()) {
      builder.measurementIterations(profile.iterations());
    }
    if (!command.getMeasurementTime().hasValue()) {
      builder.measurementTime(TimeValue.milliseconds(profile.millis()));
    }
    if (!command.shouldFailOnError().hasValue()) {
      builder.shouldFailOnError(profile.failOnError());
    }
    if (!command.getJvmArgs().hasValue()) {
      builder.jvmArgs("-Xms1g", "-Xmx1g");
    }
    params.forEach((name, values) -> {
      if (!name.equals("impl") && !command.getParameter(name).hasValue()) {
        builder.param(name, values.toArray(new String[0]));
      }
    });
    if (!command.getParameter("impl").hasValue()) {
      // the adapter rows this JVM can run: without virtual threads, those rows are left out here
      // and reported as unavailable by the table
      List<String> impls = new ArrayList<>(params.getOrDefault("impl", CallSites.ALL));
      if (JdkFeatures.virtualThreadsMissing().isPresent()) {
        impls.removeIf(CallSites::needsVirtualThreads);
      }
      builder.param("impl", impls.toArray(new String[0]));
    }
    if (JdkFeatures.virtualThreadsMissing().isPresent()) {
      builder.exclude("ForkJoinBlockingBenchmark\\.weftTaskGroupVirtual");
    }
    if (JdkFeatures.structuredTaskScopeMissing().isPresent()) {
      builder.exclude("ForkJoinBlockingBenchmark\\.structuredTaskScope");
    }
    return builder;
  }

  /** Why the latency suite cannot be pinned here, or empty if it can. */
  private static Optional<String> pinningMissing() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return Optional.of("taskset needs Linux");
    }
    for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Paths.get(directory, "taskset"))) {
        return Optional.empty();
      }
    }
    return Optional.of("taskset is not installed (Debian package util-linux)");
  }

  /** A launcher that JMH uses as its JVM: the real one, pinned to one CPU and told it has one. */
  private static Path pinnedLauncher(Path directory, String jvm) throws IOException {
    Path launcher = directory.resolve("pinned-java.sh");
    Files.writeString(launcher, "#!/bin/sh\nexec taskset -c " + PINNED_CPU + " '" + jvm.replace("'", "'\\''")
        + "' -XX:ActiveProcessorCount=1 \"$@\"\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    return launcher;
  }

  private static String report(List<String> header, String table, String targets) {
    StringBuilder out = new StringBuilder("# Weft benchmark results\n\n");
    for (String line : header) {
      out.append("- ").append(line).append('\n');
    }
    out.append("\nHow to read: each table answers one question; rows are Weft's implementations (bold) and the ")
        .append("peers a user would pick instead, all measured in this run on this machine. Compare ratios, not ")
        .append("absolute figures: `vs fastest peer` > 1 means faster than the best peer. CPU per op is process ")
        .append("CPU time (all threads) per operation; B per op is allocation per operation (-prof gc). ")
        .append("See docs/benchmarks.md.\n\n");
    out.append(table).append("### Targets\n\n").append(targets).append('\n');
    return out.toString();
  }
}
