/** Snapshots of Weft's metrics: plain records, no metrics framework needed. */
package dev.weft.metrics;
