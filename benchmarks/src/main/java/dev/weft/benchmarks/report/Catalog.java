package dev.weft.benchmarks.report;

import dev.weft.benchmarks.JdkFeatures;
import dev.weft.benchmarks.adapters.CallSites;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the report knows about each benchmark class: its question, its unit, the rows it should
 * have, their names, and which rows this JVM cannot run and why.
 */
final class Catalog {
  private static final List<String> ADAPTER_ROWS = CallSites.ALL;

  private static final Map<String, String> LABELS = Map.ofEntries(
      Map.entry("weftPool", "Weft bounded pool"),
      Map.entry("weftPoolNoSpin", "Weft bounded pool, spinBeforePark(0)"),
      Map.entry("weftVirtual", "Weft virtual threads"),
      Map.entry("weftDirect", "Weft direct (caller runs: floor, no hop)"),
      Map.entry("vertx", "Vert.x executeBlocking"),
      Map.entry("reactor", "Reactor boundedElastic"),
      Map.entry("completableFuture", "CompletableFuture"),
      Map.entry("threadPoolExecutor", "ThreadPoolExecutor.submit"),
      Map.entry("virtualThreadPerTask", "virtual thread per task"),
      Map.entry("nettyExecutorGroup", "Netty DefaultEventExecutorGroup"),
      Map.entry("weft", "Weft"),
      Map.entry("weftTaskGroup", "Weft TaskGroup"),
      Map.entry("weftTaskGroupPool", "Weft TaskGroup, bounded pool"),
      Map.entry("weftTaskGroupVirtual", "Weft TaskGroup, virtual threads"),
      Map.entry("completableFutureAllOf", "CompletableFuture.allOf"),
      Map.entry("structuredTaskScope", "StructuredTaskScope"),
      Map.entry("weftObserved", "Weft, a failure callback registered first"),
      Map.entry("weftUnobserved", "Weft, nobody registered (Cleaner watch)"),
      Map.entry("kotlinCoroutines", "Kotlin withContext(Dispatchers.IO)"),
      Map.entry("kotlinCoroutineScope", "Kotlin coroutineScope + async"),
      Map.entry("timingRecorder", "Weft Timing, reading the clock itself"),
      Map.entry("timingRecorderGivenTime", "Weft Timing, given the time (as Weft's call paths record)"),
      Map.entry("hdrRecorder", "HdrHistogram Recorder"),
      Map.entry("atomicHistogram", "HdrHistogram AtomicHistogram (the old cumulative recording)"),
      Map.entry("longAdder", "LongAdder (a counter: the floor)"),
      Map.entry("nanoTime", "System.nanoTime() alone"),
      Map.entry("adapterRoundTrip", "Weft bounded-pool round trip from a loop"),
      Map.entry("httpHello", "Weft HTTP hello world, one request at a time"));

  private Catalog() {}

  /** The benchmark's question. */
  static String title(String benchmark) {
    switch (benchmark) {
      case "LoopHopBenchmark":
        return "Loop hop: onto the loop and back (the harness; paid once per batch)";
      case "AdapterRoundTripBenchmark":
        return "Adapter round trip from a loop and back, one call in flight";
      case "AdapterThroughputBenchmark":
        return "Adapter throughput, 64 calls in flight";
      case "MapChainBenchmark":
        return "Future: chain of 10 maps";
      case "FlatMapChainBenchmark":
        return "Future: chain of 10 flatMaps";
      case "AllOfBenchmark":
        return "Future: all of 100";
      case "CallbacksBenchmark":
        return "Future: completion with callbacks";
      case "FailureBenchmark":
        return "Future: failing a future (the unobserved-failure watch)";
      case "ForkJoinAsyncBenchmark":
        return "Task group: fork/join of completed children";
      case "ForkJoinBlockingBenchmark":
        return "Task group: fork/join of blocking children";
      case "JdbcBridgeBenchmark":
        return "JDBC bridge vs raw JDBC (same HikariCP pool, H2 in memory)";
      case "HttpClientThroughputBenchmark":
        return "HTTP client, 64 in flight (GET of a local raw Netty server)";
      case "TimingRecorderBenchmark":
        return "Metrics: recording one timed value, 2 threads at once";
      case "DetectorOverheadBenchmark":
        return "Blocking-call detector: the same work with detection off and on";
      default:
        return benchmark;
    }
  }

  /** What the score counts. */
  static String unit(String benchmark, String jmhUnit) {
    switch (benchmark) {
      case "LoopHopBenchmark":
        return "µs per hop";
      case "AdapterRoundTripBenchmark":
        return "µs per call";
      case "AdapterThroughputBenchmark":
        return "calls per ms";
      case "MapChainBenchmark":
      case "FlatMapChainBenchmark":
        return "ns per chain";
      case "AllOfBenchmark":
        return "ns per all-of";
      case "CallbacksBenchmark":
        return "ns per completion";
      case "FailureBenchmark":
        return "ns per failure";
      case "ForkJoinAsyncBenchmark":
      case "ForkJoinBlockingBenchmark":
        return "ns per child";
      case "JdbcBridgeBenchmark":
        return "µs per query";
      case "HttpClientThroughputBenchmark":
        return "requests per s";
      case "TimingRecorderBenchmark":
        return "ns per value";
      default:
        return jmhUnit;
    }
  }

  /** The parameter whose values are the rows, or null when the rows are methods. */
  static String rowParameter(String benchmark) {
    switch (benchmark) {
      case "LoopHopBenchmark":
        return "loop";
      case "AdapterRoundTripBenchmark":
      case "AdapterThroughputBenchmark":
        return "impl";
      default:
        return null;
    }
  }

  /** The rows the benchmark should have, in the table's order. */
  static List<String> expectedRows(String benchmark) {
    switch (benchmark) {
      case "LoopHopBenchmark":
        return List.of("weft", "vertx");
      case "AdapterRoundTripBenchmark":
      case "AdapterThroughputBenchmark":
        return ADAPTER_ROWS;
      case "ForkJoinAsyncBenchmark":
        return List.of("weftTaskGroup", "completableFutureAllOf", "kotlinCoroutineScope");
      case "ForkJoinBlockingBenchmark":
        return List.of("weftTaskGroupPool", "weftTaskGroupVirtual", "completableFutureAllOf", "structuredTaskScope",
            "kotlinCoroutineScope");
      case "JdbcBridgeBenchmark":
        return List.of("weft", "jdbc");
      case "FailureBenchmark":
        return List.of("weftObserved", "weftUnobserved", "completableFuture");
      case "HttpClientThroughputBenchmark":
        return List.of("weft", "jdk", "jdkFixedPool");
      case "TimingRecorderBenchmark":
        return List.of("timingRecorder", "timingRecorderGivenTime", "hdrRecorder", "atomicHistogram", "longAdder",
            "nanoTime");
      case "DetectorOverheadBenchmark":
        return List.of("adapterRoundTrip", "httpHello");
      default:
        return List.of("weft", "completableFuture");
    }
  }

  /** The row's name for people. */
  static String label(String benchmark, String key) {
    if (benchmark.equals("LoopHopBenchmark")) {
      return key.equals("weft") ? "Weft loop (Netty IoEventLoop)" : "Vert.x event-loop context";
    }
    if (benchmark.equals("JdbcBridgeBenchmark")) {
      return key.equals("weft") ? "Weft JDBC bridge" : "raw JDBC, same pool";
    }
    if (benchmark.equals("HttpClientThroughputBenchmark")) {
      switch (key) {
        case "weft":
          return "Weft HttpClient, 1 loop";
        case "jdk":
          return "JDK HttpClient, default executor (cached pool)";
        case "jdkFixedPool":
          return "JDK HttpClient, fixed executor of 2 threads";
        default:
          return key;
      }
    }
    return LABELS.getOrDefault(key, key);
  }

  /** Whether the row is Weft's (else a peer's). */
  static boolean isWeft(String key) {
    return key.startsWith("weft") || key.startsWith("timingRecorder") || key.equals("adapterRoundTrip")
        || key.equals("httpHello");
  }

  /** Why this JVM cannot run the row, or empty if it can. */
  static Optional<String> unavailable(String key) {
    switch (key) {
      case "weftVirtual":
      case "virtualThreadPerTask":
      case "weftTaskGroupVirtual":
        return JdkFeatures.virtualThreadsMissing();
      case "structuredTaskScope":
        return JdkFeatures.structuredTaskScopeMissing();
      default:
        return Optional.empty();
    }
  }

  /** A remark on a row, or empty. */
  static String remark(String benchmark, String key) {
    if (key.equals("weftDirect") && benchmark.equals("AdapterThroughputBenchmark")) {
      return "nothing in flight: each call runs on the caller; bookkeeping rate, a ceiling";
    }
    if (benchmark.equals("HttpClientThroughputBenchmark") && key.equals("weft")) {
      return "thread counts per row: the log's \"# threads of row\" lines";
    }
    if (key.equals("kotlinCoroutineScope") && benchmark.equals("ForkJoinAsyncBenchmark")) {
      return "each async dispatched on the loop (Kotlin's default start)";
    }
    if (key.equals("kotlinCoroutineScope")) {
      return "async(Dispatchers.IO) per child";
    }
    if (key.equals("structuredTaskScope")) {
      return "runs on the JMH thread, blocking in join(); no loop";
    }
    return "";
  }

  /**
   * The fixed parameters of a section, for people: {@code AdapterRoundTripBenchmark work=noop
   * [pinned]} gives {@code no-op call}.
   */
  static String describeParameters(String sectionId) {
    String[] parts = sectionId.replace("[pinned]", "").trim().split(" ");
    List<String> described = new java.util.ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String[] keyValue = parts[i].split("=", 2);
      if (keyValue.length == 2) {
        described.add(describe(keyValue[0], keyValue[1]));
      }
    }
    return String.join(", ", described);
  }

  /** A parameter value for people. */
  static String describe(String parameter, String value) {
    switch (parameter) {
      case "work":
        return value.equals("noop") ? "no-op call" : value.equals("park100us") ? "100 µs sleeping call" : value;
      case "children":
        return value + " children";
      case "source":
        return value.equals("pending") ? "chained on a pending future, then completed"
            : value.equals("completed") ? "chained on a completed future" : value;
      case "callbacks":
        return value + (value.equals("1") ? " callback" : " callbacks");
      case "prewarmSeconds":
        return value + " s of requests before the warm-up";
      case "inFlight":
        return value + (value.equals("1") ? " query in flight" : " queries in flight");
      default:
        return parameter + "=" + value;
    }
  }
}
