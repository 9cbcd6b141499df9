/**
 * The adapter cost suite: one blocking call started on a loop and completed back on that loop,
 * through each Weft adapter and each peer, alone (latency) and 64 at a time (throughput), plus the
 * bare loop hop that every batch of calls pays once.
 */
package dev.weft.benchmarks.adapters;
