/** Recorders behind Weft's metrics: counters, sums and recent-window histograms. */
package dev.weft.internal.metrics;
