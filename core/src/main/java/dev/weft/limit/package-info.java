/**
 * Adaptive concurrency limits: a bound on calls in flight that moves between a floor and a ceiling
 * from the latency and outcome of completed calls, instead of a number the user guesses.
 *
 * <p>Opt in with one builder call, {@code adaptiveLimit(AdaptiveLimit.vegas())}, on a bounded pool
 * ({@link dev.weft.blocking.BoundedPoolBuilder#adaptiveLimit}), on the HTTP server's admission and
 * on the JDBC bridge; read what it decided with {@link dev.weft.limit.LimitStats}. The guide is
 * {@code docs/adaptive-limits.md}.
 */
package dev.weft.limit;
