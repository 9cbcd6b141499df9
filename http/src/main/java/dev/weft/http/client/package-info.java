/**
 * An asynchronous HTTP/1.1 client on Weft's loops.
 *
 * <p>{@link dev.weft.http.client.HttpClient#builder HttpClient.builder(runtime)} sets the limits,
 * timeouts and TLS trust of a client that calls other services without holding a thread per call:
 * connections are pooled per origin (scheme, host, port) on the runtime's loops and reused while
 * the server keeps them alive; connections and waiting requests are bounded per origin, and a
 * request beyond both bounds is refused at once; every request is bounded in time by the earlier
 * of its request timeout and the {@link dev.weft.Context}'s deadline. A request is an
 * {@link dev.weft.http.client.HttpRequest}; its response is read whole
 * ({@link dev.weft.http.client.HttpResponse}) or streamed with back-pressure
 * ({@link dev.weft.http.client.StreamingHttpResponse}). A status is not a failure; an exchange
 * that ends without a complete response fails with an
 * {@link dev.weft.http.client.HttpClientException} that says what failed and for which origin, or
 * with a {@link java.util.concurrent.TimeoutException} naming the timeout that expired.
 *
 * <p>The other side of the protocol, a server that answers requests, is in
 * {@link dev.weft.http.server}.
 */
package dev.weft.http.client;
