package dev.weft.limit;

import java.time.Duration;

/**
 * What an adaptive limit has decided, at one moment: read it from the adapter, server or bridge it
 * gates ({@code BlockingAdapter.limitStats()}), for example every few seconds for a dashboard.
 *
 * @param name what the limit gates: the adapter's, server's or bridge's name
 * @param limit the calls that may run at once now, between {@code floor} and {@code ceiling}
 * @param floor the lowest the limit goes
 * @param ceiling the highest it goes (the fixed bound it sits under: {@code maxThreads},
 *     {@code maxConcurrentRequests}, {@code maxConnections})
 * @param inFlight calls holding a permit now
 * @param waiting calls waiting for a permit now (always 0 where calls beyond the limit are
 *     refused, as in the HTTP server)
 * @param noLoadLatency the measured latency of a call when nothing queues behind the backend (zero
 *     before the first measurement)
 * @param latency the mean latency of the successful calls of the last measurement window (zero
 *     before the first)
 * @param increases times the limit went up
 * @param decreases times the limit went down
 * @param reason why the limit is where it is, in words: {@code "latency 38 ms vs no-load 9 ms"}
 */
public record LimitStats(
    String name,
    int limit,
    int floor,
    int ceiling,
    int inFlight,
    int waiting,
    Duration noLoadLatency,
    Duration latency,
    long increases,
    long decreases,
    String reason) {}
