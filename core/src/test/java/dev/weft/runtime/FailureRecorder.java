package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.UnhandledFailureHandler;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An unhandled-failure handler that keeps what it receives, for tests to take in order. */
final class FailureRecorder implements UnhandledFailureHandler {
  record Report(String description, Throwable failure) {}

  private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();

  @Override
  public void handle(String description, Throwable failure) {
    reports.add(new Report(description, failure));
  }

  /** The next report; fails the test if none arrives within the tests' timeout. */
  Report next() throws InterruptedException {
    Report report = reports.poll(RuntimeTestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(report).as("a report to the unhandled-failure handler within %s", RuntimeTestSupport.TIMEOUT)
        .isNotNull();
    return report;
  }

  boolean isEmpty() {
    return reports.isEmpty();
  }
}
