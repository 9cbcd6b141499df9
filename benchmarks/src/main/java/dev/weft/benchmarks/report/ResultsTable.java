package dev.weft.benchmarks.report;

import dev.weft.benchmarks.CpuTimeProfiler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The results of a run as a table: one section per question (benchmark class and fixed
 * parameters), one row per implementation, each with JMH's score and error, its speed relative to
 * the fastest peer of the section, the CPU time and the bytes it cost per operation. Rows that
 * this JVM cannot run, or that have no result, are listed with the reason, never left out.
 */
public final class ResultsTable {
  private static final List<String> ORDER = List.of("LoopHopBenchmark", "AdapterRoundTripBenchmark",
      "AdapterThroughputBenchmark", "MapChainBenchmark", "FlatMapChainBenchmark", "AllOfBenchmark", "CallbacksBenchmark",
      "FailureBenchmark", "ForkJoinAsyncBenchmark", "ForkJoinBlockingBenchmark");
  private static final String GC_NORM = "gc.alloc.rate.norm";

  private final List<Section> sections;

  private ResultsTable(List<Section> sections) {
    this.sections = sections;
  }

  /**
   * Builds the table.
   *
   * @param main the results of the main run
   * @param pinned the results of the run pinned to one CPU (may be empty)
   * @return the table
   */
  public static ResultsTable from(Collection<RunResult> main, Collection<RunResult> pinned) {
    Map<String, List<RunResult>> bySection = new LinkedHashMap<>();
    Map<String, Boolean> pinnedSections = new LinkedHashMap<>();
    group(main, false, bySection, pinnedSections);
    group(pinned, true, bySection, pinnedSections);
    List<Section> sections = new ArrayList<>();
    for (Map.Entry<String, List<RunResult>> entry : bySection.entrySet()) {
      sections.add(section(entry.getKey(), entry.getValue(), pinnedSections.get(entry.getKey())));
    }
    sections.sort(Comparator.comparing(Section::pinned)
        .thenComparing(section -> order(section.benchmark()))
        .thenComparing(Section::id));
    return new ResultsTable(List.copyOf(sections));
  }

  /**
   * The sections, in the table's order.
   *
   * @return the sections
   */
  public List<Section> sections() {
    return sections;
  }

  /**
   * A section by benchmark class and parameter description.
   *
   * @param benchmark the class's simple name
   * @param parameters e.g. {@code work=noop}, or empty
   * @param pinned whether from the pinned run
   * @return the section, or empty
   */
  public Optional<Section> section(String benchmark, String parameters, boolean pinned) {
    String id = id(benchmark, parameters, pinned);
    return sections.stream().filter(section -> section.id().equals(id)).findFirst();
  }

  /**
   * The table as Markdown, with padded columns so that it also reads well in a terminal.
   *
   * @return the Markdown
   */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    boolean pinnedHeading = false;
    for (Section section : sections) {
      if (section.pinned() && !pinnedHeading) {
        out.append("## Pinned to one CPU (taskset, -XX:ActiveProcessorCount=1): the same questions, every thread on one "
            + "core\n\n");
        pinnedHeading = true;
      }
      appendSection(out, section);
    }
    return out.toString();
  }

  /**
   * The targets set for Weft, each with its verdict and the figures behind it.
   *
   * @return Markdown bullet lines
   */
  public List<String> targets() {
    List<String> lines = new ArrayList<>();
    Optional<Section> roundTrip = section("AdapterRoundTripBenchmark", "work=noop", false);
    lines.add(fasterThan(roundTrip, "bounded pool round trip faster than Vert.x executeBlocking and Reactor "
        + "boundedElastic (no-op call)", "weftPool", List.of("vertx", "reactor"), 1.0));
    lines.add(fasterThan(section("AdapterThroughputBenchmark", "work=noop", false),
        "bounded pool throughput with 64 in flight >= 1.2x ThreadPoolExecutor (no-op call)", "weftPool",
        List.of("threadPoolExecutor"), 1.2));
    lines.addAll(handOffTargets());
    for (String chain : List.of("MapChainBenchmark", "FlatMapChainBenchmark")) {
      for (String source : List.of("pending", "completed")) {
        lines.add(futureTarget(section(chain, "source=" + source, false),
            Catalog.title(chain) + " (" + Catalog.describe("source", source) + ")"));
      }
    }
    for (String children : List.of("10", "1000")) {
      lines.add(fasterThan(section("ForkJoinAsyncBenchmark", "children=" + children, false),
          "task group bookkeeping per completed child within 2x of allOf (" + children + " children)",
          "weftTaskGroup", List.of("completableFutureAllOf"), 0.5));
    }
    lines.add(fasterThan(section("ForkJoinBlockingBenchmark", "children=10", false),
        "task group of 10 blocking children on the bounded pool at least StructuredTaskScope's speed",
        "weftTaskGroupPool", List.of("structuredTaskScope"), 1.0));
    lines.add(fasterThan(sections.stream().filter(section -> !section.pinned()
            && section.benchmark().equals("HttpClientThroughputBenchmark")).findFirst(),
        "HTTP client requests/s with 64 in flight >= the JDK HttpClient's (with fewer threads: see the log)", "weft",
        List.of("jdk", "jdkFixedPool"), 1.0));
    return lines;
  }

  /** The bounded pool's hand-off targets (issues 13 and 20), unpinned and pinned to one CPU. */
  private List<String> handOffTargets() {
    List<String> lines = new ArrayList<>();
    lines.add(fasterThan(section("AdapterRoundTripBenchmark", "work=noop", false),
        "bounded pool round trip unpinned >= 2x Vert.x executeBlocking (no-op call)", "weftPool", List.of("vertx"),
        2.0));
    for (boolean pinned : List.of(false, true)) {
      String where = pinned ? ", pinned to one CPU" : ", unpinned";
      Optional<Section> roundTrip = section("AdapterRoundTripBenchmark", "work=noop", pinned);
      if (pinned) {
        lines.add(fasterThan(roundTrip,
            "bounded pool round trip" + where + " within 1.2x of the fastest peer (no-op call)", "weftPool",
            roundTrip.flatMap(Section::fastestPeer).map(row -> List.of(row.key())).orElse(List.of("vertx")),
            1 / 1.2));
      }
      lines.add(cpuNoMoreThan(roundTrip, "bounded pool CPU per no-op call" + where
          + " <= 1.5x ThreadPoolExecutor's (round trip)", "weftPool", "threadPoolExecutor", 1.5));
      lines.add(fasterThan(section("AdapterThroughputBenchmark", "work=park100us", pinned),
          "bounded pool throughput with 64 sleeping (100 µs) calls in flight" + where
              + " >= 1.0x ThreadPoolExecutor", "weftPool", List.of("threadPoolExecutor"), 1.0));
    }
    return lines;
  }

  private static String cpuNoMoreThan(Optional<Section> maybe, String target, String weftKey, String peerKey,
      double allowed) {
    Optional<Row> weft = maybe.flatMap(section -> section.row(weftKey));
    Optional<Row> peer = maybe.flatMap(section -> section.row(peerKey));
    if (weft.isEmpty() || peer.isEmpty() || Double.isNaN(weft.get().cpuNanosPerOp())
        || Double.isNaN(peer.get().cpuNanosPerOp())) {
      return "- " + target + ": **not measured** in this run";
    }
    double ratio = weft.get().cpuNanosPerOp() / peer.get().cpuNanosPerOp();
    return String.format(Locale.ROOT, "- %s: **%s** (%.2fx: %s against %s of CPU per call)", target,
        ratio <= allowed ? "met" : "missed", ratio, Numbers.duration(weft.get().cpuNanosPerOp()),
        Numbers.duration(peer.get().cpuNanosPerOp()));
  }

  private static String fasterThan(Optional<Section> maybe, String target, String weftKey, List<String> peers,
      double wanted) {
    if (maybe.isEmpty() || maybe.get().row(weftKey).map(Row::measured).orElse(false) == Boolean.FALSE) {
      return "- " + target + ": **not measured** in this run";
    }
    Section section = maybe.get();
    Row weft = section.row(weftKey).orElseThrow();
    boolean met = true;
    List<String> figures = new ArrayList<>();
    for (String key : peers) {
      Optional<Row> peer = section.row(key).filter(Row::measured);
      if (peer.isEmpty()) {
        figures.add(Catalog.label(section.benchmark(), key) + " not measured");
        met = false;
        continue;
      }
      double speedup = section.speedup(weft, peer.get());
      met &= speedup >= wanted;
      figures.add(String.format(Locale.ROOT, "%.2fx %s%s", speedup, Catalog.label(section.benchmark(), key),
          overlap(weft, peer.get()) ? " (within the error bars)" : ""));
    }
    return "- " + target + ": **" + (met ? "met" : "missed") + "** (" + String.join("; ", figures) + ")";
  }

  private static String futureTarget(Optional<Section> maybe, String title) {
    String target = title + ": no slower and no more bytes per op than CompletableFuture";
    if (maybe.isEmpty()) {
      return "- " + target + ": **not measured** in this run";
    }
    Section section = maybe.get();
    Optional<Row> weft = section.row("weft").filter(Row::measured);
    Optional<Row> cf = section.row("completableFuture").filter(Row::measured);
    if (weft.isEmpty() || cf.isEmpty()) {
      return "- " + target + ": **not measured** in this run";
    }
    double speedup = section.speedup(weft.get(), cf.get());
    double bytes = weft.get().bytesPerOp();
    double cfBytes = cf.get().bytesPerOp();
    boolean fastEnough = speedup >= 1.0;
    boolean lean = Double.isNaN(bytes) || Double.isNaN(cfBytes) || bytes <= cfBytes * 1.01;
    String bytesText = Double.isNaN(bytes) || Double.isNaN(cfBytes) ? "bytes not measured"
        : String.format(Locale.ROOT, "%.0f B vs %.0f B per op", bytes, cfBytes);
    return String.format(Locale.ROOT, "- %s: time **%s** (%.2fx CompletableFuture's speed%s); bytes **%s** (%s)",
        target, fastEnough ? "met" : "missed", speedup, overlap(weft.get(), cf.get()) ? ", within the error bars" : "",
        lean ? "met" : "missed", bytesText);
  }

  private static boolean overlap(Row a, Row b) {
    if (Double.isNaN(a.error()) || Double.isNaN(b.error())) {
      return false;
    }
    return Math.abs(a.score() - b.score()) <= a.error() + b.error();
  }

  private static void appendSection(StringBuilder out, Section section) {
    String described = Catalog.describeParameters(section.id());
    out.append("### ").append(section.title());
    if (!described.isEmpty()) {
      out.append(" — ").append(described);
    }
    if (section.pinned()) {
      out.append(" (pinned to 1 CPU)");
    }
    out.append("\n\n");
    out.append(section.unit()).append(", ").append(section.higherIsBetter() ? "higher" : "lower")
        .append(" is better. `vs fastest peer`: speed relative to the fastest non-Weft row (> 1 faster, < 1 slower).\n\n");
    Optional<Row> fastest = section.fastestPeer();
    boolean notes = section.rows().stream().anyMatch(row -> !row.note().isEmpty());
    List<String[]> table = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("implementation", section.unit(), "± error", "vs fastest peer",
        "CPU per op", "cores busy", "B per op"));
    if (notes) {
      header.add("note");
    }
    table.add(header.toArray(new String[0]));
    for (Row row : section.rows()) {
      List<String> cells = new ArrayList<>();
      String label = row.weft() ? "**" + row.label() + "**" : row.label();
      if (fastest.isPresent() && fastest.get() == row) {
        label += " (fastest peer)";
      }
      cells.add(label);
      if (row.measured()) {
        cells.add(Numbers.score(row.score()));
        cells.add(Double.isNaN(row.error()) ? "n/a" : Numbers.score(row.error()));
        cells.add(fastest.map(peer -> String.format(Locale.ROOT, "%.2fx", section.speedup(row, peer))).orElse("n/a"));
        cells.add(Numbers.duration(row.cpuNanosPerOp()));
        cells.add(Double.isNaN(row.cores()) ? "" : String.format(Locale.ROOT, "%.2f", row.cores()));
        cells.add(Double.isNaN(row.bytesPerOp()) ? "" : String.format(Locale.ROOT, "%.0f", row.bytesPerOp()));
      } else {
        for (int i = 0; i < 6; i++) {
          cells.add(i == 0 ? "—" : "");
        }
      }
      if (notes) {
        cells.add(row.note());
      }
      table.add(cells.toArray(new String[0]));
    }
    Numbers.appendMarkdownTable(out, table);
    out.append('\n');
  }

  private static void group(Collection<RunResult> results, boolean pinned, Map<String, List<RunResult>> bySection,
      Map<String, Boolean> pinnedSections) {
    for (RunResult result : results) {
      BenchmarkParams params = result.getParams();
      String benchmark = className(params.getBenchmark());
      String rowParameter = Catalog.rowParameter(benchmark);
      Map<String, String> fixed = new TreeMap<>();
      for (String key : params.getParamsKeys()) {
        if (!key.equals(rowParameter)) {
          fixed.put(key, params.getParam(key));
        }
      }
      StringBuilder parameters = new StringBuilder();
      fixed.forEach((key, value) -> parameters.append(parameters.length() == 0 ? "" : " ").append(key).append('=').append(value));
      String id = id(benchmark, parameters.toString(), pinned);
      bySection.computeIfAbsent(id, ignored -> new ArrayList<>()).add(result);
      pinnedSections.put(id, pinned);
    }
  }

  private static String id(String benchmark, String parameters, boolean pinned) {
    return benchmark + (parameters.isEmpty() ? "" : " " + parameters) + (pinned ? " [pinned]" : "");
  }

  private static Section section(String id, List<RunResult> results, boolean pinned) {
    BenchmarkParams first = results.get(0).getParams();
    String benchmark = className(first.getBenchmark());
    String rowParameter = Catalog.rowParameter(benchmark);
    Map<String, RunResult> byKey = new LinkedHashMap<>();
    for (RunResult result : results) {
      BenchmarkParams params = result.getParams();
      String key = rowParameter != null ? params.getParam(rowParameter) : methodName(params.getBenchmark());
      byKey.put(key, result);
    }
    Set<String> keys = new LinkedHashSet<>(Catalog.expectedRows(benchmark));
    keys.addAll(byKey.keySet());
    List<Row> rows = new ArrayList<>();
    for (String key : keys) {
      RunResult result = byKey.get(key);
      String label = Catalog.label(benchmark, key);
      boolean weft = Catalog.isWeft(key);
      if (result == null) {
        String why = Catalog.unavailable(key).map(reason -> "unavailable: " + reason)
            .orElse(pinned && key.equals("weftDirect") ? "not run pinned: it has no thread hop to pin"
                : "no result in this run (not selected, or it failed: see the log)");
        rows.add(new Row(key, label, weft, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, why));
        continue;
      }
      Result<?> primary = result.getPrimaryResult();
      Map<String, ?> secondary = result.getSecondaryResults(); // raw Result values in JMH's API
      rows.add(new Row(key, label, weft, primary.getScore(), primary.getScoreError(),
          score(secondary, CpuTimeProfiler.CPU_PER_OP), score(secondary, CpuTimeProfiler.CORES),
          score(secondary, GC_NORM), Catalog.remark(benchmark, key)));
    }
    rows.sort(Comparator.comparing((Row row) -> !row.weft()));
    boolean higherIsBetter = first.getMode() == org.openjdk.jmh.annotations.Mode.Throughput;
    return new Section(id, benchmark, Catalog.title(benchmark), Catalog.unit(benchmark, results.get(0)
        .getPrimaryResult().getScoreUnit()), higherIsBetter, pinned, List.copyOf(rows));
  }

  private static double score(Map<String, ?> secondary, String label) {
    return secondary.get(label) instanceof Result<?> result ? result.getScore() : Double.NaN;
  }

  private static String className(String benchmark) {
    String withoutMethod = benchmark.substring(0, benchmark.lastIndexOf('.'));
    return withoutMethod.substring(withoutMethod.lastIndexOf('.') + 1);
  }

  private static String methodName(String benchmark) {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }

  private static int order(String benchmark) {
    int index = ORDER.indexOf(benchmark);
    return index < 0 ? ORDER.size() : index;
  }
}
