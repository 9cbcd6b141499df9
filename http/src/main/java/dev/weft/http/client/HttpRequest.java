package dev.weft.http.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * A request for {@link HttpClient}: method, absolute URI, headers and an optional body, either in
 * memory or streamed from a {@link Flow.Publisher}. Immutable; a request with a body in memory can
 * be sent any number of times, one with a streamed body once.
 *
 * <p>The client sets {@code Host} (unless given), {@code Content-Length} or {@code
 * Transfer-Encoding: chunked} from the body, and {@code User-Agent} (unless given).
 */
public final class HttpRequest {
  private final String method;
  private final URI uri;
  private final List<Map.Entry<String, String>> headers;
  private final ByteBuffer body; // read-only, position 0; null when streamed or absent
  private final Flow.Publisher<ByteBuffer> bodyPublisher;
  private final long bodyLength; // -1: streamed with unknown length (sent chunked)
  private final Duration timeout;

  private HttpRequest(Builder builder) {
    this.method = builder.method;
    this.uri = builder.uri;
    this.headers = List.copyOf(builder.headers);
    this.body = builder.body;
    this.bodyPublisher = builder.bodyPublisher;
    this.bodyLength = builder.bodyLength;
    this.timeout = builder.timeout;
  }

  /**
   * A {@code GET} request without headers.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @return the request
   * @throws IllegalArgumentException if {@code uri} is not an absolute http(s) URI with a host
   */
  public static HttpRequest get(URI uri) {
    return builder("GET", uri).build();
  }

  /**
   * A {@code POST} request with a body in memory.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @param body the body (copied)
   * @param contentType its {@code Content-Type}, e.g. {@code application/json}
   * @return the request
   * @throws IllegalArgumentException if {@code uri} is not an absolute http(s) URI with a host
   */
  public static HttpRequest post(URI uri, byte[] body, String contentType) {
    return builder("POST", uri).body(body, contentType).build();
  }

  /**
   * Starts building a request.
   *
   * @param method a method token, e.g. {@code GET}, {@code PUT}
   * @param uri an absolute {@code http} or {@code https} URI
   * @return the builder
   * @throws IllegalArgumentException if the method is not a token, or {@code uri} is not an
   *     absolute http(s) URI with a host
   */
  public static Builder builder(String method, URI uri) {
    return new Builder(method, uri);
  }

  /**
   * The method.
   *
   * @return e.g. {@code GET}
   */
  public String method() {
    return method;
  }

  /**
   * The absolute URI.
   *
   * @return the URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * The headers set on this request, in order (not those the client adds).
   *
   * @return an unmodifiable list of name-value pairs
   */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /**
   * The first value of a header set on this request.
   *
   * @param name the header's name, any case
   * @return its first value, or empty
   */
  public Optional<String> header(String name) {
    for (Map.Entry<String, String> header : headers) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return Optional.of(header.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The body in memory.
   *
   * @return a read-only view of the body, or empty when the body is streamed or absent
   */
  public Optional<ByteBuffer> body() {
    return body == null ? Optional.empty() : Optional.of(body.duplicate());
  }

  /**
   * The streamed body.
   *
   * @return the publisher, or empty when the body is in memory or absent
   */
  public Optional<Flow.Publisher<ByteBuffer>> bodyPublisher() {
    return Optional.ofNullable(bodyPublisher);
  }

  /**
   * The body's length in bytes: the size of a body in memory, the declared length of a streamed
   * one, {@code -1} for a streamed body of unknown length (sent chunked), {@code 0} without body.
   *
   * @return the length, or {@code -1}
   */
  public long bodyLength() {
    return bodyLength;
  }

  /**
   * This request's own timeout, replacing the client's {@code requestTimeout}.
   *
   * @return the timeout, or empty to use the client's
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * A builder that starts as a copy of this request, for a variant of it.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder(method, uri);
    builder.headers.addAll(headers);
    builder.body = body;
    builder.bodyPublisher = bodyPublisher;
    builder.bodyLength = bodyLength;
    builder.timeout = timeout;
    return builder;
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }

  /** Builds an {@link HttpRequest}; every method checks its argument at once. */
  public static final class Builder {
    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private String method;
    private URI uri;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private ByteBuffer body;
    private Flow.Publisher<ByteBuffer> bodyPublisher;
    private long bodyLength;
    private Duration timeout;

    private Builder(String method, URI uri) {
      this.method = checkMethod(method);
      this.uri = checkUri(uri);
    }

    /**
     * Sets the method.
     *
     * @param method a method token
     * @return this builder
     * @throws IllegalArgumentException if it is not a token
     */
    public Builder method(String method) {
      this.method = checkMethod(method);
      return this;
    }

    /**
     * Sets the URI.
     *
     * @param uri an absolute {@code http} or {@code https} URI
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http(s) URI with a host
     */
    public Builder uri(URI uri) {
      this.uri = checkUri(uri);
      return this;
    }

    /**
     * Adds a header (repeating a name adds another value).
     *
     * @param name a header name token
     * @param value the value, without CR or LF
     * @return this builder
     * @throws IllegalArgumentException if the name is not a token, the value has a line break, or
     *     the header is one the client sets from the body ({@code Content-Length},
     *     {@code Transfer-Encoding})
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!isToken(name)) {
        throw new IllegalArgumentException("header name '" + name + "' is not an HTTP token");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("content-length") || lower.equals("transfer-encoding")) {
        throw new IllegalArgumentException(name + " is set by the client from the body; do not set it");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException("value of header " + name + " contains a line break or NUL");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
          throw new IllegalArgumentException("value of header " + name + " contains the character U+"
              + String.format("%04X", (int) c) + " at index " + i + "; only visible ASCII/Latin-1, space and tab are "
              + "allowed");
        }
      }
      if (!value.isEmpty() && (Character.isWhitespace(value.charAt(0))
          || Character.isWhitespace(value.charAt(value.length() - 1)))) {
        throw new IllegalArgumentException("value of header " + name + " starts or ends with white space");
      }
      headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
      return this;
    }

    /**
     * Removes every value of a header set before.
     *
     * @param name the header's name, any case
     * @return this builder
     */
    public Builder removeHeaders(String name) {
      Objects.requireNonNull(name, "name");
      headers.removeIf(header -> header.getKey().equalsIgnoreCase(name));
      return this;
    }

    /**
     * Removes the body, and its {@code Content-Type}.
     *
     * @return this builder
     */
    public Builder noBody() {
      removeHeaders("Content-Type");
      this.body = null;
      this.bodyPublisher = null;
      this.bodyLength = 0;
      return this;
    }

    /**
     * Sets a body in memory, and its {@code Content-Type}.
     *
     * @param body the body (copied)
     * @param contentType the content type, e.g. {@code application/json}
     * @return this builder
     */
    public Builder body(byte[] body, String contentType) {
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(contentType, "contentType");
      removeHeaders("Content-Type").header("Content-Type", contentType);
      this.body = ByteBuffer.wrap(body.clone()).asReadOnlyBuffer();
      this.bodyPublisher = null;
      this.bodyLength = body.length;
      return this;
    }

    /**
     * Sets a streamed body: the client subscribes once the request has a connection and writes
     * what the publisher emits, requesting more only while the socket accepts it. A publisher's
     * failure fails the request with that failure and closes the connection.
     *
     * @param body the publisher, subscribed at most once
     * @param contentLength the exact length in bytes, or {@code -1} if unknown (sent chunked)
     * @param contentType the content type
     * @return this builder
     * @throws IllegalArgumentException if {@code contentLength < -1}
     */
    public Builder body(Flow.Publisher<ByteBuffer> body, long contentLength, String contentType) {
      Objects.requireNonNull(body, "body");
      if (contentLength < -1) {
        throw new IllegalArgumentException("contentLength must be -1 (unknown) or >= 0 (was " + contentLength + ")");
      }
      Objects.requireNonNull(contentType, "contentType");
      removeHeaders("Content-Type").header("Content-Type", contentType);
      this.body = null;
      this.bodyPublisher = body;
      this.bodyLength = contentLength;
      return this;
    }

    /**
     * Sets this request's timeout, replacing the client's {@code requestTimeout}.
     *
     * @param timeout 1 ms to 1 hour
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException("timeout must be between 1 ms and " + MAX_TIMEOUT + " (was " + timeout + ")");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     */
    public HttpRequest build() {
      return new HttpRequest(this);
    }

    private static String checkMethod(String method) {
      Objects.requireNonNull(method, "method");
      if (!isToken(method)) {
        throw new IllegalArgumentException("method '" + method + "' is not an HTTP token");
      }
      return method;
    }

    private static URI checkUri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        throw new IllegalArgumentException("URI must be absolute with scheme http or https: " + uri);
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new IllegalArgumentException("URI has no host (or an invalid one): " + uri);
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("URI must not carry user info; send an Authorization header: " + uri);
      }
      return uri;
    }

    private static boolean isToken(String s) {
      if (s.isEmpty()) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }
}
