/**
 * Blocking adapters: run legacy blocking calls (JDBC, old SDKs, file I/O) off the loops, on
 * bounded executors, with the result delivered back on the caller's loop.
 *
 * <p>Three adapters share one interface, {@link dev.weft.blocking.BlockingAdapter}: a bounded pool
 * of platform threads (the runtime's default), virtual threads bounded by permits (Java 21+), and
 * a direct adapter that runs on the calling thread (a baseline; never on a loop). Named adapters
 * are bulkheads: one slow dependency cannot starve another. {@link dev.weft.blocking.Adapters#proxy}
 * turns a blocking client into an asynchronous one by interface.
 */
package dev.weft.blocking;
