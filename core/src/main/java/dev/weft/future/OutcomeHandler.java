package dev.weft.future;

/**
 * A function of a future's outcome — its value and {@code null}, or {@code null} and its failure
 * — that may throw, checked exceptions included. Used by {@link Future#handle} and
 * {@link Future#transform}.
 *
 * @param <T> the future's result type
 * @param <R> what it makes of the outcome
 */
@FunctionalInterface
public interface OutcomeHandler<T, R> {

  /**
   * Handles the outcome.
   *
   * @param value the result if the future succeeded, else {@code null}
   * @param failure the original exception if it failed (cancellation included), else {@code null}
   * @return the derived result
   * @throws Exception to fail the derived future with it
   */
  R apply(T value, Throwable failure) throws Exception;
}
