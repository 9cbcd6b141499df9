package dev.weft.internal.blocking;

/**
 * An adapter's checked settings; durations in nanoseconds.
 *
 * @param name the adapter's name
 * @param kind its kind, as in stats
 * @param maxConcurrency calls running at once
 * @param maxQueue calls waiting
 * @param keepAliveNanos idle thread lifetime (pool)
 * @param spinNanos idle polling before parking (pool)
 * @param interruptOnCancel whether cancel interrupts a running call
 * @param slowCallNanos run time past which a call is reported
 */
public record AdapterSettings(
    String name,
    String kind,
    int maxConcurrency,
    int maxQueue,
    long keepAliveNanos,
    long spinNanos,
    boolean interruptOnCancel,
    long slowCallNanos) {}
