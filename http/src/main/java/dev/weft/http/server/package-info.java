/**
 * An HTTP/1.1 server on Weft's loops.
 *
 * <p>{@link dev.weft.http.server.HttpServer#builder HttpServer.builder(runtime)} declares routes —
 * async handlers that run on the connection's loop, blocking handlers that run on a bounded
 * {@linkplain dev.weft.blocking.BlockingAdapter adapter}, streaming handlers that read the request
 * body with back-pressure — and the limits that protect the service: concurrent requests (503),
 * request timeout, body size (413), header size (431), initial line length (414), idle
 * connections. Connections are Netty channels registered on the runtime's own loops, so a request
 * is read, handled and answered on one thread with no hop between network and handler.
 *
 * <p>The other side of the protocol, a client that calls other services, is in
 * {@link dev.weft.http.client}.
 */
package dev.weft.http.server;
