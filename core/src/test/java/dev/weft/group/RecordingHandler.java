package dev.weft.group;

import dev.weft.UnhandledFailureHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An unhandled-failure handler that keeps what it receives, for assertions. */
final class RecordingHandler implements UnhandledFailureHandler {
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  @Override
  public void handle(String description, Throwable failure) {
    failures.add(failure);
  }

  List<Throwable> failures() {
    return failures;
  }
}
