package dev.weft.internal.limit;

/**
 * Turns samples of completed calls into a concurrency limit. Not thread-safe: its gate calls it
 * under its lock. Every time comes from the samples (their start and latency, read from the gate's
 * clock), so a test drives an algorithm with scripted times alone.
 */
public interface LimitAlgorithm {

  /**
   * Takes one completed call into account.
   *
   * @param startNanos when the call got its permit, on the gate's clock
   * @param rttNanos how long it held the permit
   * @param inFlight calls holding a permit when it got its own, itself included
   * @param outcome how it ended
   * @return the limit from now on
   */
  int onSample(long startNanos, long rttNanos, int inFlight, Outcome outcome);

  /**
   * The current limit.
   *
   * @return the limit
   */
  int limit();

  /**
   * The no-load latency it measured, or 0 before the first measurement.
   *
   * @return nanoseconds
   */
  long noLoadNanos();

  /**
   * The mean latency of the last window's successful calls, or 0 before the first window ends.
   *
   * @return nanoseconds
   */
  long latencyNanos();

  /**
   * Why the limit is where it is, in words, for messages and stats.
   *
   * @return the reason
   */
  String reason();
}
