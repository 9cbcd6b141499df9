/**
 * The task-group suite: fork/join of 10 and 1 000 children in a Weft {@code TaskGroup}, against
 * {@code CompletableFuture.allOf} and, on a JDK that has it, {@code StructuredTaskScope}.
 */
package dev.weft.benchmarks.groups;
