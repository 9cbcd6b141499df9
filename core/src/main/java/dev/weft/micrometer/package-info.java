/**
 * Weft's metrics as Micrometer meters: {@link dev.weft.micrometer.AsyncRuntimeMeters} binds a
 * runtime's loops, adapters (a JDBC bridge among them) and unhandled failures to any
 * {@code MeterRegistry}. Micrometer is an optional dependency of weft-core: add
 * {@code io.micrometer:micrometer-core} to use this package. The meters read Weft's own counters
 * when the registry publishes; nothing is recorded twice. The names and tags are listed in
 * docs/observability.md.
 */
package dev.weft.micrometer;
