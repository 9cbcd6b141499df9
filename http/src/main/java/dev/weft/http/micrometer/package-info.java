/**
 * An HTTP server's and client's metrics as Micrometer meters
 * ({@link dev.weft.http.micrometer.HttpServerMeters}, {@link dev.weft.http.micrometer.HttpClientMeters}),
 * beside weft-core's {@code dev.weft.micrometer.AsyncRuntimeMeters}. Micrometer is an optional
 * dependency: add {@code io.micrometer:micrometer-core} to use this package.
 *
 * <p>The meters' gauges hold their state strongly: Micrometer keeps a meter's state object only
 * weakly, and a binder is usually created, bound and dropped ({@code new ...Meters(x).bindTo(registry)}),
 * so weak state would be collected and the meters would read {@code NaN} after the next GC. The
 * registry therefore keeps what it reads (and through it the runtime, server or client) reachable
 * until the meters are removed from it.
 */
package dev.weft.http.micrometer;
