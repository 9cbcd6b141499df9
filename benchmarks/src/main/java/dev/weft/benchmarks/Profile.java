package dev.weft.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * The main job's profiles: which benchmarks, how long, and whether to repeat the latency suite
 * pinned to one CPU.
 *
 * <ul>
 *   <li>{@code quick} (default): every benchmark, 1 fork, 2 x 0.5 s warm-up, 4 x 0.5 s measured;
 *       the pinned latency suite with 10 x 0.5 s warm-up; about 10 minutes on 2 cores. Short:
 *       figures within about 10% of each other are a tie.
 *   <li>{@code full} ({@code --full}): every benchmark, 2 forks, 5 x 1 s warm-up, 5 x 1 s
 *       measured; about half an hour.
 *   <li>{@code smoke} ({@code --smoke}): a few benchmarks, one 100 ms iteration, failing on any
 *       error; for CI, so that the benchmarks cannot rot. Its numbers mean nothing.
 *   <li>{@code adapters} ({@code --adapters}): the adapter round trip and the 64-in-flight
 *       throughput, no-op and 100 µs sleeping calls, once unpinned and once pinned to one CPU, with
 *       the quick profile's timing (10 x 0.5 s warm-up pinned); about 12 minutes on 2 cores. The
 *       question of the bounded pool's hand-off: is it cheap with and without a spare core?
 * </ul>
 *
 * @param name the profile's name
 * @param forks JMH forks per benchmark
 * @param warmupIterations warm-up iterations
 * @param warmupMillis milliseconds per warm-up iteration
 * @param iterations measured iterations
 * @param millis milliseconds per measured iteration
 * @param includes benchmark regexps of the main run
 * @param params parameter values of the main run
 * @param pinnedIncludes benchmark regexps of the run pinned to one CPU; empty for none
 * @param pinnedParams parameter values of the pinned run
 * @param pinnedWarmupIterations warm-up iterations of the pinned run: on one CPU the JIT compiles
 *     on the benchmark's own core, and a pinned fork took 3 to 5 s to reach its speed (measured
 *     2026-12-04: 64 no-op calls of the bounded pool 330 calls/ms in the first four half-second
 *     iterations, 1 750 from the seventh; ThreadPoolExecutor's likewise), so 1 s of warm-up
 *     measured the compiler, not the hand-off
 * @param failOnError whether one failing benchmark stops the run
 */
record Profile(String name, int forks, int warmupIterations, int warmupMillis, int iterations, int millis,
    List<String> includes, Map<String, List<String>> params, List<String> pinnedIncludes,
    Map<String, List<String>> pinnedParams, int pinnedWarmupIterations, boolean failOnError) {

  private static final List<String> EVERYTHING = List.of("dev\\.weft\\.benchmarks\\..*Benchmark\\.");
  private static final List<String> LATENCY = List.of("AdapterRoundTripBenchmark\\.", "LoopHopBenchmark\\.");
  private static final Map<String, List<String>> NOOP = Map.of("work", List.of("noop"));
  private static final List<String> ADAPTER_SUITES =
      List.of("AdapterRoundTripBenchmark\\.", "AdapterThroughputBenchmark\\.");

  static final Profile QUICK = new Profile("quick", 1, 2, 500, 4, 500, EVERYTHING, Map.of(), LATENCY, NOOP, 10, false);

  static final Profile FULL = new Profile("full", 2, 5, 1000, 5, 1000, EVERYTHING, Map.of(), LATENCY, NOOP, 5, false);

  static final Profile ADAPTERS = new Profile("adapters", 1, 2, 500, 4, 500, ADAPTER_SUITES, Map.of(),
      ADAPTER_SUITES, Map.of(), 10, false);

  static final Profile SMOKE = new Profile("smoke", 1, 0, 100, 1, 100,
      List.of("AdapterRoundTripBenchmark\\.", "MapChainBenchmark\\.",
          "ForkJoinBlockingBenchmark\\.(weftTaskGroupPool|structuredTaskScope|kotlinCoroutineScope)", "HttpClientThroughputBenchmark\\."),
      Map.of("impl", List.of("weftPool", "weftVirtual", "vertx", "threadPoolExecutor", "kotlinCoroutines"), "work", List.of("noop"),
          "children", List.of("10"), "prewarmSeconds", List.of("0")),
      List.of("LoopHopBenchmark\\."), Map.of("loop", List.of("weft")), 0, true);

  /** A line for people: what this profile runs. */
  String describe() {
    return String.format("%s profile: %d fork(s), %d x %d ms warm-up (%d pinned to one CPU), %d x %d ms measured per"
        + " benchmark", name, forks, warmupIterations, warmupMillis, pinnedWarmupIterations, iterations, millis);
  }
}
