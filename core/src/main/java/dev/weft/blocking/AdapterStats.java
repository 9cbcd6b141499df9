package dev.weft.blocking;

import dev.weft.metrics.Timing;
import java.time.Duration;

/**
 * One adapter's numbers. Counters only grow, from the adapter's start; gauges ({@code active},
 * {@code queued}) are the current values; percentiles and maxima cover the recent window (the last
 * minute, see {@link Timing}), and {@link #queueWait()} and {@link #runTime()} also carry the
 * counts and sums since start, for export. Every accepted call ends as exactly one of completed,
 * failed, timed out or cancelled, so once the adapter is quiet:
 * {@code submitted == completed + failed + timedOut + cancelled}.
 *
 * @param name the adapter's name
 * @param kind {@code bounded-pool}, {@code virtual-threads} or {@code direct}
 * @param maxConcurrency the most calls that may run at once
 * @param maxQueue the most calls that may wait
 * @param submitted calls accepted
 * @param completed calls that returned a result
 * @param failed calls that threw
 * @param rejected calls refused when submitted: the adapter was saturated or closed, or could not
 *     start a thread for the call
 * @param timedOut calls whose timeout expired first
 * @param cancelled calls cancelled by their caller, or settled by the adapter before they started:
 *     at shutdown, or, if it could not start a thread for calls already waiting, refused (their
 *     futures fail with {@code RejectedException})
 * @param active calls running now
 * @param queued calls waiting now
 * @param peakActive the most calls that ran at once
 * @param threads the adapter's live threads (0 for virtual threads and direct)
 * @param queueWaitP50 median time a call waited before it started, over the recent window
 * @param queueWaitP99 99th percentile of that wait, over the recent window
 * @param runTimeP50 median time a call ran, over the recent window
 * @param runTimeP99 99th percentile of the run time, over the recent window
 * @param runTimeMax the longest run time of the recent window
 * @param queueWait the time calls waited before they started: count and sum since start, recent percentiles
 * @param runTime the time calls ran: count and sum since start, recent percentiles
 */
public record AdapterStats(
    String name,
    String kind,
    int maxConcurrency,
    int maxQueue,
    long submitted,
    long completed,
    long failed,
    long rejected,
    long timedOut,
    long cancelled,
    int active,
    int queued,
    int peakActive,
    int threads,
    Duration queueWaitP50,
    Duration queueWaitP99,
    Duration runTimeP50,
    Duration runTimeP99,
    Duration runTimeMax,
    Timing queueWait,
    Timing runTime) {}
