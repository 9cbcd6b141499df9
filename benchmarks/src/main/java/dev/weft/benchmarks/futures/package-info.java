/**
 * The futures suite: Weft's {@code Future} against {@code CompletableFuture} on the same loop
 * thread, for map chains, flatMap chains, all-of and completion callbacks.
 */
package dev.weft.benchmarks.futures;
