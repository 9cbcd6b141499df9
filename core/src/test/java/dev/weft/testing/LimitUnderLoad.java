package dev.weft.testing;

import dev.weft.limit.LimitStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Puts an adaptive limit under a closed-loop load and reads where it settles: {@code callers}
 * threads make calls back to back for 2 s, then the limit is read every 100 ms for 2 s more and
 * its median taken (one look may meet a stall of a shared machine; the median does not), then the
 * callers stop. Shared by the adapter, HTTP and JDBC tests of adaptive limits.
 */
public final class LimitUnderLoad {
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static final int SAMPLES = 20;
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
  private static final Duration JOIN = Duration.ofSeconds(10);

  /**
   * What the run saw.
   *
   * @param medianLimit the median of the limit's samples
   * @param during the limit's stats at the end of sampling, before the callers stopped
   * @param served calls that returned normally
   * @param failures what calls threw (a caller stops at its first)
   */
  public record Result(int medianLimit, LimitStats during, int served, List<Throwable> failures) {}

  private LimitUnderLoad() {}

  /**
   * Runs the load and samples the limit; the run takes about 4 s, bounded.
   *
   * @param name names the caller threads
   * @param callers how many threads call back to back
   * @param call one call (it blocks until the call's answer)
   * @param stats reads the limit
   * @return what the run saw
   * @throws InterruptedException if interrupted
   */
  public static Result run(String name, int callers, Callable<?> call, Supplier<Optional<LimitStats>> stats)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Thread caller = new Thread(() -> {
        while (!stop.get()) {
          try {
            call.call();
            served.incrementAndGet();
          } catch (Exception | AssertionError e) {
            failures.add(e);
            return;
          }
        }
      }, name + "-caller-" + i);
      threads.add(caller);
      caller.start();
    }
    try {
      Thread.sleep(SETTLE.toMillis()); // the run's length, not a wait for something: it is bounded by it
      int[] limits = new int[SAMPLES];
      for (int i = 0; i < limits.length; i++) {
        Thread.sleep(SAMPLE_EVERY.toMillis());
        limits[i] = stats.get().orElseThrow().limit();
      }
      Arrays.sort(limits);
      LimitStats during = stats.get().orElseThrow();
      return new Result(limits[limits.length / 2], during, served.get(), List.copyOf(failures));
    } finally {
      stop.set(true);
      for (Thread caller : threads) {
        caller.join(JOIN.toMillis());
      }
    }
  }
}
