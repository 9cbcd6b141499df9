/**
 * An HTTP server's and client's metrics as Micrometer meters
 * ({@link dev.weft.http.micrometer.HttpServerMeters}, {@link dev.weft.http.micrometer.HttpClientMeters}),
 * beside weft-core's {@code dev.weft.micrometer.AsyncRuntimeMeters}. Micrometer is an optional
 * dependency: add {@code io.micrometer:micrometer-core} to use this package.
 */
package dev.weft.http.micrometer;
