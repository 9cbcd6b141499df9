package dev.weft.future;

/**
 * A function of a failure that may itself throw, checked exceptions included: what it throws fails
 * the derived future as it is, unwrapped. Used by {@link Future#recover} and
 * {@link Future#recoverWith}.
 *
 * @param <R> what it makes of the failure
 */
@FunctionalInterface
public interface FailureHandler<R> {

  /**
   * Handles {@code failure}.
   *
   * @param failure the original exception (never wrapped)
   * @return the replacement
   * @throws Exception to fail the derived future with it
   */
  R apply(Throwable failure) throws Exception;
}
