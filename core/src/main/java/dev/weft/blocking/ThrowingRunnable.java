package dev.weft.blocking;

/** A blocking action without a result, which may throw any exception. */
@FunctionalInterface
public interface ThrowingRunnable {

  /**
   * Runs the action.
   *
   * @throws Exception whatever the action throws; it fails the adapter's future as it is
   */
  void run() throws Exception;
}
