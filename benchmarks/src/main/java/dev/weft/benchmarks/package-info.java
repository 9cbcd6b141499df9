/**
 * JMH benchmarks and the main job.
 *
 * <p>This module is a placeholder until its issue lands; it holds no API yet.
 */
package dev.weft.benchmarks;
