/**
 * An HTTP server's metrics as Micrometer meters ({@link dev.weft.http.micrometer.HttpServerMeters}),
 * beside weft-core's {@code dev.weft.micrometer.AsyncRuntimeMeters}. Micrometer is an optional
 * dependency: add {@code io.micrometer:micrometer-core} to use this package.
 */
package dev.weft.http.micrometer;
