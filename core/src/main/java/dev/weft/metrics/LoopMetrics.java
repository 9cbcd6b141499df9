package dev.weft.metrics;

import java.time.Duration;

/**
 * One loop's numbers. Counters and sums cover the time since the runtime started; lag percentiles
 * and maximum cover the recent window (the last minute, see {@link Timing}).
 *
 * @param name the loop thread's name
 * @param tasksRun tasks the loop has run (Weft's and Netty's own, I/O events excluded)
 * @param lagSamples how many watchdog pings have run, i.e. how many lag samples there are
 * @param lagP50 median delay between posting a ping and the loop running it, over the recent window
 * @param lagP99 99th percentile of that delay, over the recent window
 * @param lagMax the longest delay of the recent window
 * @param blockedIncidents how many times the loop stayed busy past the blocked threshold
 * @param longestBlock the longest incident that has ended, whole (zero if none)
 * @param totalBlocked the time spent in incidents that have ended, summed
 * @param lag the watchdog pings' delays: count and sum since start, recent percentiles
 * @param blocked the incidents that have ended, by duration: count and sum since start, recent percentiles
 */
public record LoopMetrics(
    String name,
    long tasksRun,
    long lagSamples,
    Duration lagP50,
    Duration lagP99,
    Duration lagMax,
    long blockedIncidents,
    Duration longestBlock,
    Duration totalBlocked,
    Timing lag,
    Timing blocked) {}
