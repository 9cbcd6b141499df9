package dev.weft;

/**
 * Receives failures that nobody else would see: a failed future that was never observed, an
 * exception thrown by a callback or by a task given to {@link Loop#execute}.
 *
 * <p>The default handler logs at ERROR through SLF4J with the stack trace. A handler may be
 * called from any thread (a loop, a blocking worker, the JVM's cleaner thread), concurrently; it
 * must be quick, thread-safe and must not throw (what it throws is logged and dropped).
 */
@FunctionalInterface
public interface UnhandledFailureHandler {

  /**
   * Handles one failure that would otherwise be lost.
   *
   * @param description what the failure escaped from, e.g. "callback of a future threw" or
   *     "a failed future was never observed"
   * @param failure the original exception, never wrapped
   */
  void handle(String description, Throwable failure);
}
