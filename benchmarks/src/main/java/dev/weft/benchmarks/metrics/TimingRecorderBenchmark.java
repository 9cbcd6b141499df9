package dev.weft.benchmarks.metrics;

import dev.weft.internal.metrics.TimingRecorder;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * <b>What does recording one latency cost on a call's path, now that it feeds a recent window
 * and a count and sum for export?</b> Two threads record into one shared recorder, as two
 * adapter workers do.
 *
 * <p>Rows: {@code atomicHistogram}, the cumulative {@code AtomicHistogram} adapters used before
 * (the baseline); {@code timingRecorder}, {@code TimingRecorder.record} (two {@code LongAdder}s
 * and an HdrHistogram {@code Recorder}); {@code longAdder}, one {@code LongAdder}, the floor of
 * any shared counter. Read the ratio of {@code timingRecorder} to {@code atomicHistogram}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class TimingRecorderBenchmark {
  private final AtomicHistogram histogram = new AtomicHistogram(TimeUnit.HOURS.toNanos(1), 2);
  private final TimingRecorder recorder = new TimingRecorder();
  private final LongAdder adder = new LongAdder();

  private static long value() {
    return 1_000 + ThreadLocalRandom.current().nextInt(1_000_000); // 1 us to 1 ms
  }

  /** The baseline: what adapters recorded into before. */
  @Benchmark
  public void atomicHistogram() {
    histogram.recordValue(value());
  }

  /** Counts, sum and the recent window. */
  @Benchmark
  public void timingRecorder() {
    recorder.record(value());
  }

  /** The floor: one shared counter. */
  @Benchmark
  public void longAdder() {
    adder.add(value());
  }
}
