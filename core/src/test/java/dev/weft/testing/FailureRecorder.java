package dev.weft.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.UnhandledFailureHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An unhandled-failure handler that keeps what it receives, for assertions: as a whole
 * ({@link #reports()}), one at a time in order ({@link #next()}), or by the failure itself.
 */
public final class FailureRecorder implements UnhandledFailureHandler {
  /** How long {@link #next()} waits for a report. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * One call of the handler.
   *
   * @param description what failed, as the runtime described it
   * @param failure the failure
   * @param thread the thread that reported it
   */
  public record Report(String description, Throwable failure, Thread thread) {}

  private final List<Report> reports = new ArrayList<>(); // guarded by this
  private int taken; // reports handed out by next(); guarded by this

  @Override
  public synchronized void handle(String description, Throwable failure) {
    reports.add(new Report(description, failure, Thread.currentThread()));
    notifyAll();
  }

  /**
   * Every report so far.
   *
   * @return a copy, oldest first
   */
  public synchronized List<Report> reports() {
    return new ArrayList<>(reports);
  }

  /**
   * The failures reported so far.
   *
   * @return a copy, oldest first
   */
  public synchronized List<Throwable> failures() {
    return reports.stream().map(Report::failure).toList();
  }

  /**
   * The oldest report not yet returned by this method; fails the test if none arrives within {@link #WAIT}.
   *
   * @return the report
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized Report next() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (taken == reports.size()) {
      long remaining = deadline - System.nanoTime();
      assertThat(remaining).as("a report to the unhandled-failure handler within %s", WAIT).isPositive();
      wait(Math.max(1, remaining / 1_000_000));
    }
    return reports.get(taken++);
  }

  /**
   * Whether every report so far was returned by {@link #next()}.
   *
   * @return true if none is waiting
   */
  public synchronized boolean isEmpty() {
    return taken == reports.size();
  }

  /**
   * How many times {@code failure} itself (this instance) was reported.
   *
   * @param failure the failure
   * @return the count
   */
  public synchronized long timesReported(Throwable failure) {
    return reports.stream().filter(report -> report.failure() == failure).count();
  }

  /**
   * Waits until {@code failure} is reported.
   *
   * @param failure the failure
   * @param timeout the longest wait
   * @return its first report
   */
  public Report awaitReport(Throwable failure, Duration timeout) {
    Polling.await("the unhandled-failure handler receives " + failure, timeout, () -> timesReported(failure) > 0);
    synchronized (this) {
      return reports.stream().filter(report -> report.failure() == failure).findFirst().orElseThrow();
    }
  }

  /** Forgets every report. */
  public synchronized void clear() {
    reports.clear();
    taken = 0;
  }

  /** Asserts that nothing was reported since the last clear, and forgets what was. */
  public void assertNothingReportedAndClear() {
    List<Report> seen;
    synchronized (this) {
      seen = new ArrayList<>(reports);
      clear();
    }
    assertThat(seen).as("reports to the unhandled-failure handler").isEmpty();
  }
}
