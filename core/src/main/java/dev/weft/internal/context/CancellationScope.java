package dev.weft.internal.context;

/** A task group's cancellation, as seen by work running inside it. */
public interface CancellationScope {

  /**
   * Whether this scope or one around it has been cancelled.
   *
   * @return true once cancelled
   */
  boolean isCancelled();
}
