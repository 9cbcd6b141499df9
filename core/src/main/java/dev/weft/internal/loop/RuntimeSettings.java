package dev.weft.internal.loop;

import dev.weft.UnhandledFailureHandler;
import dev.weft.blocking.AdapterSpec;
import dev.weft.blocking.BlockingCallDetection;
import java.time.Duration;
import java.util.List;

/**
 * A runtime's checked settings.
 *
 * @param name prefix of thread names
 * @param loops number of loops
 * @param watchdogInterval how often each loop is pinged
 * @param blockedThreshold ping lag that counts as a blocked loop
 * @param shutdownGracePeriod how long {@code close()} lets queued work run
 * @param unhandledFailureHandler the handler, or {@code null} for the default (SLF4J ERROR)
 * @param adapters the default adapter first, then the bulkheads
 * @param blockingCallDetection the blocking-call detector's settings, or {@code null} if it is off
 */
public record RuntimeSettings(
    String name,
    int loops,
    Duration watchdogInterval,
    Duration blockedThreshold,
    Duration shutdownGracePeriod,
    UnhandledFailureHandler unhandledFailureHandler,
    List<AdapterSpec> adapters,
    BlockingCallDetection blockingCallDetection) {}
