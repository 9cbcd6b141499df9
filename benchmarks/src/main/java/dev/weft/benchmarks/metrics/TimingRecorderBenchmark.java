package dev.weft.benchmarks.metrics;

import dev.weft.internal.metrics.TimingRecorder;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Recorder;
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
 * and the current slice's {@code AtomicHistogram}, reading the clock to find the slice);
 * {@code timingRecorderGivenTime}, the same with the time given (plus one clock read of the
 * benchmark's, as Weft's paths read it anyway to time the call); {@code nanoTime}, one clock read;
 * {@code hdrRecorder}, HdrHistogram's {@code Recorder} alone, the other way to keep a recent
 * window; {@code longAdder}, one {@code LongAdder}, the floor of any shared counter. Read the ratio of
 * {@code timingRecorder} to {@code atomicHistogram}, and mind the clock's cost on this machine.
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
  private final Recorder hdrRecorder = new Recorder(2);

  private static long value() {
    return 1_000 + ThreadLocalRandom.current().nextInt(1_000_000); // 1 us to 1 ms
  }

  /** The baseline: what adapters recorded into before. */
  @Benchmark
  public void atomicHistogram() {
    histogram.recordValue(value());
  }

  /** Counts, sum and the recent window, reading the clock. */
  @Benchmark
  public void timingRecorder() {
    recorder.record(value());
  }

  /**
   * The same given the time, as on Weft's paths, which read the clock anyway to time the call
   * (the clock is read here too, outside the recorder: compare with {@code nanoTime}).
   */
  @Benchmark
  public void timingRecorderGivenTime() {
    recorder.record(value(), System.nanoTime());
  }

  /** What one clock read costs here: the difference between the two rows above. */
  @Benchmark
  public long nanoTime() {
    return System.nanoTime() + value();
  }

  /** HdrHistogram's Recorder alone: what a recent window built on it pays per value, before counts and sums. */
  @Benchmark
  public void hdrRecorder() {
    hdrRecorder.recordValue(value());
  }

  /** The floor: one shared counter. */
  @Benchmark
  public void longAdder() {
    adder.add(value());
  }
}
