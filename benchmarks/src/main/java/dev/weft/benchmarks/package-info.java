/**
 * Weft's JMH benchmarks and the main job, {@link dev.weft.benchmarks.BenchMain}, which runs a
 * profile of them and writes a results table. Each benchmark class answers one question and
 * carries its baselines (the peers a user would pick instead); its javadoc says what is measured
 * and how to read it. {@code docs/benchmarks.md} explains the numbers.
 */
package dev.weft.benchmarks;
