package dev.weft.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the process's CPU time per operation ({@value #CPU_PER_OP}, in ns)
 * and the cores kept busy on average ({@value #CORES}). Both count every thread of the benchmark
 * JVM: the loop, the adapters' workers, the JMH thread, and GC and JIT threads. Latency alone
 * flatters a design that spins while it waits for work; the CPU it burns meanwhile shows here.
 *
 * <p>Use: {@code -prof dev.weft.benchmarks.CpuTimeProfiler}; the main job adds it to every run.
 * The figures are per operation as JMH counts them, so {@code @OperationsPerInvocation} applies.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  /** The label of the CPU time per operation. */
  public static final String CPU_PER_OP = "cpu.time.norm";

  /** The label of the average number of busy cores. */
  public static final String CORES = "cpu.cores";

  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuAtStart;
  private long wallAtStart;

  /** Created by JMH. */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "process CPU time per operation, all threads (loop, workers, JMH, GC, JIT)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    wallAtStart = System.nanoTime();
    cpuAtStart = os.getProcessCpuTime();
  }

  @Override
  public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
      IterationResult result) {
    long cpu = os.getProcessCpuTime() - cpuAtStart;
    long wall = System.nanoTime() - wallAtStart;
    long ops = result.getMetadata().getAllOps();
    if (cpu < 0 || ops <= 0 || wall <= 0) {
      return List.of(); // no CPU clock on this platform, or an empty iteration
    }
    return List.of(
        new ScalarResult(CPU_PER_OP, (double) cpu / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult(CORES, (double) cpu / wall, "cores", AggregationPolicy.AVG));
  }
}
