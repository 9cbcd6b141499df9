package dev.weft.benchmarks.adaptive;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.blocking.BoundedPoolBuilder;
import dev.weft.future.Future;
import dev.weft.limit.AdaptiveLimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Fixed limits against an adaptive one, in front of a {@link SimulatedBackend} of capacity C
 * (16 slots, 10 ms each: 1 600 calls/s at most), under an open-loop offered load of 1.5 x that.
 * Run with {@code scripts/bench.sh --adaptive} (about two minutes).
 *
 * <p>Part 1, one adapter at a time, each for a warm-up then a measured period: bounded pools with
 * fixed {@code maxThreads} far above C (256), at C (16) and far below (4), and a pool of 256 with
 * {@code adaptiveLimit(AdaptiveLimit.vegas())}; every pool has {@code maxQueue(0)}, so a call
 * beyond the limit is refused at once and what a served call waits is the backend's queue. For
 * each: goodput (calls completed within the SLO, 2 x the no-load latency, per second), the
 * caller-observed p50 and p99 of completed calls, and refusals per second. The no-load latency is
 * measured first, with one call at a time.
 *
 * <p>Part 2, the adaptive pool alone: capacity C, then C/2, then C again, a phase each; the limit
 * is sampled every 50 ms, and the time to follow is from the change until the limit is within
 * [C', 1.5 C'] of the new capacity C'.
 *
 * <p>Arguments: {@code [warm-up s] [measured s] [phase s]}, defaults 4, 10, 12.
 */
public final class AdaptiveScenario {
  private static final int CAPACITY = 16;
  private static final long SERVICE_MILLIS = 10;
  private static final double OVERLOAD = 1.5;

  private AdaptiveScenario() {}

  /**
   * Runs the scenario and prints its tables (Markdown), also written to
   * {@code benchmarks/results/adaptive-<time>.md}.
   *
   * @param args warm-up, measured and phase seconds
   * @return the exit code
   * @throws Exception if the run fails
   */
  public static int run(String[] args) throws Exception {
    int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int phase = args.length > 2 ? Integer.parseInt(args[2]) : 12;
    StringBuilder out = new StringBuilder();
    String loadBefore = loadAverage();
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("adaptive").loops(2).build()) {
      SimulatedBackend backend = new SimulatedBackend(CAPACITY, SERVICE_MILLIS);
      long[] noLoadSamples = noLoadLatency(backend);
      long noLoad = percentile(noLoadSamples, 0.50);
      long noLoadP99 = percentile(noLoadSamples, 0.99);
      long slo = 2 * noLoad;
      double rate = OVERLOAD * CAPACITY * 1000.0 / SERVICE_MILLIS;
      out.append(String.format(Locale.ROOT, "Backend: capacity %d, service %d ms; no-load latency (one call at a "
          + "time, through a pool) p50 %s, p99 %s; SLO %s; offered load %.0f calls/s (%.1fx capacity), open loop.%n%n",
          CAPACITY, SERVICE_MILLIS, millis(noLoad), millis(noLoadP99), millis(slo), rate, OVERLOAD));
      out.append("| limit | goodput (calls/s within SLO) | vs best fixed | p50 | p99 | p99 / no-load | refused/s |"
          + " limit at end |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      List<Row> rows = new ArrayList<>();
      rows.add(measure(runtime, backend, "fixed 256 (16x C)", Adapters.boundedPool("fixed-256").maxThreads(256),
          rate, slo, warmUp, measured));
      rows.add(measure(runtime, backend, "fixed 16 (= C)", Adapters.boundedPool("fixed-16").maxThreads(16),
          rate, slo, warmUp, measured));
      rows.add(measure(runtime, backend, "fixed 4 (C/4)", Adapters.boundedPool("fixed-4").maxThreads(4),
          rate, slo, warmUp, measured));
      Row adaptive = measure(runtime, backend, "adaptive (ceiling 256)", Adapters.boundedPool("adaptive-256")
          .maxThreads(256).adaptiveLimit(AdaptiveLimit.vegas()), rate, slo, warmUp, measured);
      rows.add(adaptive);
      double bestFixed = rows.stream().filter(row -> row != adaptive).mapToDouble(Row::goodput).max().orElse(1);
      for (Row row : rows) {
        out.append(String.format(Locale.ROOT, "| %s | %.0f | %.2fx | %s | %s | %.2fx | %.0f | %s |%n", row.name,
            row.goodput, row.goodput / bestFixed, millis(row.p50), millis(row.p99), (double) row.p99 / noLoad,
            row.refused, row.limitAtEnd));
      }
      out.append('\n');
      List<String> follow = followCapacityChanges(runtime, backend, rate, phase, out);
      out.append('\n');
      out.append(String.format(Locale.ROOT, "Targets: adaptive goodput >= 0.90x the best fixed: %.2fx, %s; "
          + "p99 <= 1.5x no-load p50: %.2fx, %s (the no-load p99 itself is %.2fx: this machine's noise floor); "
          + "follow a capacity change within 5 s: %s.%n",
          adaptive.goodput / bestFixed, adaptive.goodput / bestFixed >= 0.9 ? "met" : "missed",
          (double) adaptive.p99 / noLoad, adaptive.p99 <= 1.5 * noLoad ? "met" : "missed", (double) noLoadP99 / noLoad,
          String.join(", ", follow)));
    }
    out.append(String.format(Locale.ROOT, "%nLoad average (1, 5, 15 min) before: %s; after: %s; %d CPUs, shared.%n",
        loadBefore, loadAverage(), Runtime.getRuntime().availableProcessors()));
    System.out.print(out);
    Path results = Path.of(System.getProperty("weft.bench.results", "benchmarks/results"));
    Files.createDirectories(results);
    Path file = results.resolve("adaptive-" + System.currentTimeMillis() + ".md");
    Files.writeString(file, out);
    System.out.println("written to " + file);
    return 0;
  }

  /** 300 calls made one at a time through a pool, sorted: what a caller sees with nothing queued. */
  private static long[] noLoadLatency(SimulatedBackend backend) throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("no-load").loops(1).build()) {
      BlockingAdapter adapter = Adapters.boundedPool("one").maxThreads(1).build(runtime);
      long[] samples = new long[300];
      for (int i = 0; i < samples.length; i++) {
        long start = System.nanoTime();
        adapter.call(backend::call).join(Duration.ofSeconds(5));
        samples[i] = System.nanoTime() - start;
      }
      Arrays.sort(samples);
      return samples;
    }
  }

  private static Row measure(AsyncRuntime runtime, SimulatedBackend backend, String name, BoundedPoolBuilder spec,
      double rate, long slo, int warmUpSeconds, int measuredSeconds) throws Exception {
    BlockingAdapter adapter = spec.maxQueue(0).build(runtime);
    Recorder recorder = new Recorder((int) (rate * measuredSeconds * 1.2) + 1000, slo);
    OpenLoop load = new OpenLoop(adapter, backend, rate, recorder);
    load.runFor(TimeUnit.SECONDS.toNanos(warmUpSeconds), false);
    load.runFor(TimeUnit.SECONDS.toNanos(measuredSeconds), true);
    load.awaitQuiet();
    String limitAtEnd = adapter.limitStats().map(stats -> stats.limit() + " (no-load "
        + millis(stats.noLoadLatency().toNanos()) + ")").orElse("fixed");
    adapter.close();
    long[] latencies = recorder.sorted();
    return new Row(name, recorder.withinSlo.get() / (double) measuredSeconds, percentile(latencies, 0.50),
        percentile(latencies, 0.99), recorder.refused.get() / (double) measuredSeconds, limitAtEnd);
  }

  private static List<String> followCapacityChanges(AsyncRuntime runtime, SimulatedBackend backend, double rate,
      int phaseSeconds, StringBuilder out) throws Exception {
    BlockingAdapter adapter = Adapters.boundedPool("adaptive-follow").maxThreads(256).maxQueue(0)
        .adaptiveLimit(AdaptiveLimit.vegas()).build(runtime);
    Recorder recorder = new Recorder(16, Long.MAX_VALUE);
    OpenLoop load = new OpenLoop(adapter, backend, rate, recorder);
    out.append("| phase | capacity | limit before | time to follow (limit within [C', 1.5 C']) | limit range after "
        + "following |\n| --- | ---: | ---: | ---: | ---: |\n");
    List<String> verdicts = new ArrayList<>();
    int[] capacities = {CAPACITY, CAPACITY / 2, CAPACITY};
    for (int i = 0; i < capacities.length; i++) {
      int capacity = capacities[i];
      int before = adapter.limitStats().orElseThrow().limit();
      backend.capacity(capacity);
      long changed = System.nanoTime();
      long followedAfter = -1;
      int low = Integer.MAX_VALUE;
      int high = 0;
      long phaseEnd = changed + TimeUnit.SECONDS.toNanos(phaseSeconds);
      while (System.nanoTime() < phaseEnd) {
        load.runFor(TimeUnit.MILLISECONDS.toNanos(50), false);
        int limit = adapter.limitStats().orElseThrow().limit();
        boolean within = limit >= capacity && limit <= 1.5 * capacity;
        if (followedAfter < 0 && within) {
          followedAfter = System.nanoTime() - changed;
        } else if (followedAfter >= 0) {
          low = Math.min(low, limit);
          high = Math.max(high, limit);
        }
      }
      String phase = i == 0 ? "start" : capacity < capacities[i - 1] ? "capacity halved" : "capacity restored";
      String time = followedAfter < 0 ? "not within " + phaseSeconds + " s" : millis(followedAfter);
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s |%n", phase, capacity, before, time,
          low == Integer.MAX_VALUE ? "-" : low + "-" + high));
      if (i > 0) {
        verdicts.add(phase + " " + time + (followedAfter >= 0 && followedAfter <= TimeUnit.SECONDS.toNanos(5)
            ? " (met)" : " (missed)"));
      }
    }
    load.awaitQuiet();
    adapter.close();
    return verdicts;
  }

  private static long percentile(long[] sorted, double fraction) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * fraction))];
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (Exception unavailable) {
      return "unavailable";
    }
  }

  private record Row(String name, double goodput, long p50, long p99, double refused, String limitAtEnd) {}

  /** Latencies of the calls submitted while measuring, and counts. */
  private static final class Recorder {
    final AtomicLongArray latencies;
    final AtomicInteger count = new AtomicInteger();
    final AtomicLong withinSlo = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final long slo;

    Recorder(int capacity, long slo) {
      this.latencies = new AtomicLongArray(capacity);
      this.slo = slo;
    }

    void completed(long nanos) {
      int index = count.getAndIncrement();
      if (index < latencies.length()) {
        latencies.set(index, nanos);
      }
      if (nanos <= slo) {
        withinSlo.incrementAndGet();
      }
    }

    long[] sorted() {
      int n = Math.min(count.get(), latencies.length());
      long[] values = new long[n];
      for (int i = 0; i < n; i++) {
        values[i] = latencies.get(i);
      }
      Arrays.sort(values);
      return values;
    }
  }

  /** Calls at a fixed rate from one thread, whatever the answers (open loop). */
  private static final class OpenLoop {
    private final BlockingAdapter adapter;
    private final SimulatedBackend backend;
    private final long intervalNanos;
    private final Recorder recorder;
    private final AtomicInteger outstanding = new AtomicInteger();
    private long next = System.nanoTime();

    OpenLoop(BlockingAdapter adapter, SimulatedBackend backend, double rate, Recorder recorder) {
      this.adapter = adapter;
      this.backend = backend;
      this.intervalNanos = (long) (1e9 / rate);
      this.recorder = recorder;
    }

    void runFor(long nanos, boolean record) {
      long end = System.nanoTime() + nanos;
      next = Math.max(next, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(10)); // no catch-up burst after a pause
      while (next < end) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
        long start = System.nanoTime();
        next += intervalNanos;
        Future<String> call = adapter.call(backend::call);
        if (call.isFailed() && call.failureNow() instanceof dev.weft.RejectedException) {
          // a refusal is a future failed at once (failureNow marks it observed: no unhandled report)
          if (record) {
            recorder.refused.incrementAndGet();
          }
          continue;
        }
        outstanding.incrementAndGet();
        call.onComplete((value, failure) -> {
          outstanding.decrementAndGet();
          if (record && failure == null) {
            recorder.completed(System.nanoTime() - start);
          }
        });
      }
    }

    void awaitQuiet() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (outstanding.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
  }
}
