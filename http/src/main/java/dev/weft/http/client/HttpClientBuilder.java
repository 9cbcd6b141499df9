package dev.weft.http.client;

import dev.weft.AsyncRuntime;
import dev.weft.http.internal.client.ClientSettings;
import dev.weft.http.internal.client.DefaultHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;

/**
 * Limits, timeouts and TLS trust of an {@link HttpClient}; {@link #build} checks them. A bad
 * value fails {@link #build} with an {@link IllegalArgumentException} naming the setting, the value
 * and the allowed range.
 *
 * <p>HTTPS uses the JDK's TLS provider through Netty, with hostname verification always on.
 * Without trust settings the JDK's default trust store is used; {@link #trustCertificates} and
 * {@link #trustManagerFactory} replace it (for a private CA, or a self-signed test server).
 */
public final class HttpClientBuilder {
  private final AsyncRuntime runtime;
  private final ClientSettings.Builder settings = ClientSettings.builder();

  HttpClientBuilder(AsyncRuntime runtime) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * The most connections open (or opening) to one origin at once. Default 16.
   *
   * @param maxConnectionsPerOrigin 1 to 10 000
   * @return this builder
   */
  public HttpClientBuilder maxConnectionsPerOrigin(int maxConnectionsPerOrigin) {
    settings.maxConnectionsPerOrigin = maxConnectionsPerOrigin;
    return this;
  }

  /**
   * The most requests that may wait for a connection to one origin while all its connections are
   * busy. One more is refused at once: its future fails with {@link dev.weft.RejectedException}: a slow backend makes
   * callers fail fast instead of queueing without bound. Default 256.
   *
   * @param maxPendingRequests 0 to 1 000 000
   * @return this builder
   */
  public HttpClientBuilder maxPendingRequests(int maxPendingRequests) {
    settings.maxPendingRequests = maxPendingRequests;
    return this;
  }

  /**
   * How long an unused connection stays in the pool before it is closed. Keep it below the
   * servers' keep-alive timeout (nginx: 75 s by default) so the client, not the server, ends idle
   * connections; a request that finds its reused connection closed by the server before any
   * response byte is retried once on a new connection when it is safe to (idempotent method,
   * body in memory). Default 30 seconds.
   *
   * @param idleTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpClientBuilder idleTimeout(Duration idleTimeout) {
    settings.idleTimeout = idleTimeout;
    return this;
  }

  /**
   * The longest wait for a new connection: TCP connect plus, for HTTPS, the TLS handshake.
   * Beyond it the request fails with {@link HttpClientException.Kind#CONNECT_TIMEOUT}. Default
   * 10 seconds.
   *
   * @param connectTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpClientBuilder connectTimeout(Duration connectTimeout) {
    settings.connectTimeout = connectTimeout;
    return this;
  }

  /**
   * The longest time from {@link HttpClient#send} to the response's last byte (for {@link
   * HttpClient#stream}: to its head), waiting for a connection included. A request's own {@link
   * HttpRequest.Builder#timeout} replaces it, and the {@link dev.weft.Context}'s deadline
   * shortens it. When it passes, the future fails with {@link java.util.concurrent.TimeoutException}
   * and the request's connection is closed. Default 30 seconds.
   *
   * @param requestTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpClientBuilder requestTimeout(Duration requestTimeout) {
    settings.requestTimeout = requestTimeout;
    return this;
  }

  /**
   * The longest time a {@linkplain HttpClient#stream streamed} response body may go without a byte
   * from the server while its subscriber waits for one (has demand). Time the subscriber itself
   * takes does not count. When it passes, the subscriber gets {@code onError} with a {@link
   * java.util.concurrent.TimeoutException} and the connection is closed: a stalled server cannot
   * hold a connection and a consumer forever. Default 30 seconds.
   *
   * @param readTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpClientBuilder readTimeout(Duration readTimeout) {
    settings.readTimeout = readTimeout;
    return this;
  }

  /**
   * The largest response body {@link HttpClient#send} reads into memory. A larger one fails the
   * request with {@link HttpClientException.Kind#BODY_TOO_LARGE} as soon as its
   * {@code Content-Length}, or the bytes read, pass the limit, and the connection is closed. Use
   * {@link HttpClient#stream} for large bodies. Default 16 MiB.
   *
   * @param maxResponseBodySize 0 to 1 GiB, bytes
   * @return this builder
   */
  public HttpClientBuilder maxResponseBodySize(int maxResponseBodySize) {
    settings.maxResponseBodySize = maxResponseBodySize;
    return this;
  }

  /**
   * The largest response header section. A larger one fails the request with {@link
   * HttpClientException.Kind#MALFORMED_RESPONSE}. Default 16 KiB.
   *
   * @param maxResponseHeaderSize 1 KiB to 1 MiB, bytes
   * @return this builder
   */
  public HttpClientBuilder maxResponseHeaderSize(int maxResponseHeaderSize) {
    settings.maxResponseHeaderSize = maxResponseHeaderSize;
    return this;
  }

  /**
   * Follows redirects (301, 302, 303, 307, 308 with a {@code Location}), at most {@code maxHops}
   * per request; one more fails with {@link HttpClientException.Kind#TOO_MANY_REDIRECTS}. A 303,
   * and a 301 or 302 answering a {@code POST}, are followed with a {@code GET} without body; 307
   * and 308 repeat the method and body (a streamed body cannot be repeated: the redirect response
   * is returned as is). {@code Authorization} and {@code Cookie} headers are dropped when a
   * redirect leaves the origin. Default 0: redirects are returned, not followed.
   *
   * @param maxHops 0 (off) to 20
   * @return this builder
   */
  public HttpClientBuilder followRedirects(int maxHops) {
    settings.maxRedirects = maxHops;
    return this;
  }

  /**
   * Trusts the certificates in a PEM file (a private CA, or a self-signed server) instead of the
   * JDK's default trust store. Hostname verification stays on.
   *
   * @param pemFile a file of one or more PEM {@code CERTIFICATE} blocks
   * @return this builder
   */
  public HttpClientBuilder trustCertificates(Path pemFile) {
    settings.trustCertificates = Objects.requireNonNull(pemFile, "pemFile");
    settings.trustManagerFactory = null;
    return this;
  }

  /**
   * Uses a trust manager factory (a custom trust store, or a revocation-checking one) instead of
   * the JDK's default trust store. Hostname verification stays on.
   *
   * @param trustManagerFactory an initialized factory
   * @return this builder
   */
  public HttpClientBuilder trustManagerFactory(TrustManagerFactory trustManagerFactory) {
    settings.trustManagerFactory = Objects.requireNonNull(trustManagerFactory, "trustManagerFactory");
    settings.trustCertificates = null;
    return this;
  }

  /**
   * The {@code User-Agent} sent with requests that have none. Default {@code weft-http}.
   *
   * @param userAgent the value; empty sends none
   * @return this builder
   */
  public HttpClientBuilder userAgent(String userAgent) {
    settings.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    return this;
  }

  /**
   * Checks the settings and creates the client. Building is cheap; connections open on demand.
   *
   * @return the client
   * @throws IllegalArgumentException if a setting is out of range, or the trust material cannot be
   *     read (the message names the file and why)
   */
  public HttpClient build() {
    return new DefaultHttpClient(runtime, settings.build());
  }
}
