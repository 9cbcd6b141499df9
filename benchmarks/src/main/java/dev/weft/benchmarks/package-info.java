/**
 * Weft's benchmarks and the main job. Until the JMH suites land, {@link dev.weft.benchmarks.Demo}
 * shows the runtime at work.
 */
package dev.weft.benchmarks;
