package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.UnhandledFailureHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** An unhandled-failure handler that remembers what it was given, for assertions. */
final class FailureRecorder implements UnhandledFailureHandler {
  /** One call of the handler. */
  record Report(String description, Throwable failure, Thread thread) {}

  private final ConcurrentLinkedQueue<Report> reports = new ConcurrentLinkedQueue<>();

  @Override
  public void handle(String description, Throwable failure) {
    reports.add(new Report(description, failure, Thread.currentThread()));
  }

  List<Report> reports() {
    return new ArrayList<>(reports);
  }

  /** How many times {@code failure} itself (this instance) was reported. */
  long timesReported(Throwable failure) {
    return reports.stream().filter(report -> report.failure() == failure).count();
  }

  void clear() {
    reports.clear();
  }

  /** Waits until {@code failure} has been reported, and returns the first report of it. */
  Report awaitReport(Throwable failure, Duration timeout) {
    Polling.await("the unhandled-failure handler receives " + failure, () -> timesReported(failure) > 0, timeout);
    return reports.stream().filter(report -> report.failure() == failure).findFirst().orElseThrow();
  }

  /** Asserts that nothing was reported since the last call, and forgets what was. */
  void assertNothingReportedAndClear() {
    List<Report> seen = reports();
    reports.clear();
    assertThat(seen).as("reports to the unhandled-failure handler").isEmpty();
  }
}
