/**
 * Weft's metrics as Micrometer meters: {@link dev.weft.micrometer.AsyncRuntimeMeters} binds a
 * runtime's loops, adapters (a JDBC bridge among them) and unhandled failures to any
 * {@code MeterRegistry}. Micrometer is an optional dependency of weft-core: add
 * {@code io.micrometer:micrometer-core} to use this package. The meters read Weft's own counters
 * when the registry publishes; nothing is recorded twice. The names and tags are listed in
 * docs/observability.md.
 *
 * <p>The meters' gauges hold their state strongly: Micrometer keeps a meter's state object only
 * weakly, and a binder is usually created, bound and dropped ({@code new ...Meters(x).bindTo(registry)}),
 * so weak state would be collected and the meters would read {@code NaN} after the next GC. The
 * registry therefore keeps what it reads (and through it the runtime, server or client) reachable
 * until the meters are removed from it.
 */
package dev.weft.micrometer;
