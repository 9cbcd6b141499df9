package dev.weft.http.client;

import java.io.IOException;
import java.util.Objects;

/**
 * An HTTP exchange failed before a complete response arrived. {@link #kind()} says what failed,
 * {@link #origin()} where; the message says both, with the numbers that matter (elapsed time, bytes
 * read, the limit), and the cause is the underlying exception when there is one.
 *
 * <p>Statuses are not failures: a {@code 500} is a response. Timeouts fail with {@link
 * java.util.concurrent.TimeoutException}, as everywhere in Weft.
 */
public class HttpClientException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What failed. */
  public enum Kind {
    /** The TCP connection could not be opened: refused, unreachable, or the host is unknown. */
    CONNECT_FAILED,
    /** The TCP connect plus the TLS handshake took longer than {@code connectTimeout}. */
    CONNECT_TIMEOUT,
    /** The TLS handshake failed: untrusted certificate, hostname mismatch, no common protocol. */
    TLS_FAILED,
    /** The connection closed (or was reset) before the response was complete. */
    CONNECTION_CLOSED,
    /** The response could not be parsed as HTTP/1.1, or its head passed {@code maxResponseHeaderSize}. */
    MALFORMED_RESPONSE,
    /** The response body passed {@code maxResponseBodySize}. */
    BODY_TOO_LARGE,
    /** Following redirects passed {@code followRedirects}' hop limit. */
    TOO_MANY_REDIRECTS,
    /** The client was closed while the request waited or ran. */
    CLIENT_CLOSED
  }

  private final Kind kind;
  private final String origin;

  /**
   * Creates the exception.
   *
   * @param kind what failed
   * @param origin the origin, e.g. {@code https://api.example.com:443}
   * @param message what happened, with its numbers
   * @param cause the underlying exception, or {@code null}
   */
  public HttpClientException(Kind kind, String origin, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /**
   * What failed.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The origin of the failed request: scheme, host and port.
   *
   * @return e.g. {@code https://api.example.com:443}
   */
  public String origin() {
    return origin;
  }
}
