package dev.weft;

import java.util.concurrent.RejectedExecutionException;

/**
 * Work was refused: the runtime is shutting down, or a bounded resource (a pool, a queue) is
 * full. The message names the resource, its numbers and what to do.
 *
 * <p>It is a {@link RejectedExecutionException}, so code written against
 * {@code java.util.concurrent} executors handles it as it already does.
 */
public class RejectedException extends RejectedExecutionException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused, by which resource, and what to do about it
   */
  public RejectedException(String message) {
    super(message);
  }
}
