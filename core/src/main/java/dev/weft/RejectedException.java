package dev.weft;

import java.util.concurrent.RejectedExecutionException;

/**
 * Work was refused: the runtime is shutting down, a bounded resource (a pool, a queue) is full,
 * or a thread to run the work could not be started. The message names the resource, its numbers
 * and what to do.
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

  /**
   * Creates the exception for work refused because something it needed could not be had.
   *
   * @param message what was refused, by which resource, and what to do about it
   * @param cause why the resource could not be had (for example the {@link OutOfMemoryError} of a
   *     thread that could not be started)
   */
  public RejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
