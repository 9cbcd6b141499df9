package dev.weft.benchmarks.adapters;

import java.util.function.BiConsumer;

/**
 * Receives the outcome of one blocking call, on the loop that started it: a value and
 * {@code null}, or {@code null} and the failure. A {@link BiConsumer} so that Weft's
 * {@code onComplete} and CompletableFuture's {@code whenCompleteAsync} take it as it is.
 */
interface Sink extends BiConsumer<Object, Throwable> {}
