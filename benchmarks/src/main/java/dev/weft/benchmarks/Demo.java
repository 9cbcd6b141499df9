package dev.weft.benchmarks;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.metrics.LoopMetrics;
import dev.weft.metrics.RuntimeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The main job until the JMH suites land: a short tour of the runtime that ends with its metrics
 * table. It is a demonstration, not a measurement: timings here are single runs on a shared
 * machine; the benchmarks will report JMH figures as ratios against baselines.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the tour.
   *
   * @param args ignored
   * @throws Exception if the demo's own futures fail
   */
  public static void main(String[] args) throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("demo").loops(2).build()) {
      Loop loop = runtime.nextLoop();

      System.out.println("1. 10 000 futures completed by a worker thread, callbacks back on " + loop.name());
      List<Future<Integer>> squares = new ArrayList<>();
      Thread worker = new Thread(() -> {});
      for (int i = 0; i < 10_000; i++) {
        var promise = loop.<Integer>newPromise();
        int n = i;
        squares.add(promise.map(x -> {
          if (!loop.inLoop()) {
            throw new AssertionError("callback off its home loop");
          }
          return x * x;
        }));
        worker = new Thread(() -> promise.complete(n));
        worker.start();
        if (i % 1000 == 999) {
          worker.join();
        }
      }
      worker.join();
      long sum = Future.all(squares).join().stream().mapToLong(Integer::longValue).sum();
      System.out.println("   sum of squares = " + sum + " (all callbacks ran on the home loop)");

      System.out.println("2. A blocking call hidden on a loop: the watchdog reports it (WARN with the stack)");
      loop.submit(() -> {
        sleepOnTheLoop(250);
        return Future.succeeded(null);
      }).join();
      Thread.sleep(150); // let the watchdog take another look before the table below

      System.out.println("3. A timeout that stops the work: orTimeout cancels the slow source");
      Future<String> slow = loop.schedule(Duration.ofSeconds(5), () -> "too late");
      try {
        slow.orTimeout(Duration.ofMillis(50)).join();
      } catch (Exception expected) { // join() throws the failure as it is: a TimeoutException
        System.out.println("   " + expected + "; source cancelled: " + slow.isCancelled());
      }

      printMetrics(runtime.metrics());
    }
  }

  private static void sleepOnTheLoop(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void printMetrics(RuntimeMetrics metrics) {
    System.out.println();
    System.out.printf(Locale.ROOT, "%-12s %10s %8s %10s %10s %10s %8s%n",
        "loop", "tasks", "samples", "lag p50", "lag p99", "lag max", "blocked");
    for (LoopMetrics loop : metrics.loops()) {
      System.out.printf(Locale.ROOT, "%-12s %10d %8d %10s %10s %10s %8d%n", loop.name(), loop.tasksRun(),
          loop.lagSamples(), micros(loop.lagP50()), micros(loop.lagP99()), micros(loop.lagMax()),
          loop.blockedIncidents());
    }
  }

  private static String micros(Duration duration) {
    return String.format(Locale.ROOT, "%.0fµs", duration.toNanos() / 1e3);
  }
}
