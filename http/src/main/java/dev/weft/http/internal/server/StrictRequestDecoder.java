package dev.weft.http.internal.server;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with the version token matched as RFC 9112 §2.3 writes it:
 * {@code HTTP/} DIGIT {@code .} DIGIT, case-sensitive. Netty upper-cases the token and accepts
 * any major version; here {@code http/1.1} is malformed (400) and a major version other than 1 is
 * {@link UnsupportedVersionException} (505). Either becomes the decoder's failed message.
 *
 * <p>Its headers also count the {@code Content-Length} fields as they arrive: Netty refuses repeated
 * ones on HTTP/1.1 but merges them on HTTP/1.0 (taking one of two differing values), after which
 * the repeat cannot be seen any more. {@link #repeatsContentLength} lets the exchange refuse them on
 * every version.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

  /** A well-formed version this server does not speak. */
  static final class UnsupportedVersionException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedVersionException(String version) {
      super("HTTP version " + version + " is not supported; this server speaks HTTP/1.1 and HTTP/1.0", null, false,
          false);
    }
  }

  /** A version token that is not {@code HTTP/} DIGIT {@code .} DIGIT. */
  static final class MalformedVersionException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedVersionException(String version) {
      super("malformed HTTP version '" + version + "'", null, false, false);
    }
  }

  /** Headers that remember whether Content-Length arrived more than once, or as a list. */
  private static final class ContentLengthCountingHeaders extends DefaultHttpHeaders {
    private int contentLengthFields; // written by the decoder, on the connection's loop, before the message is passed on

    ContentLengthCountingHeaders() {
      super(DefaultHttpHeadersFactory.headersFactory().getNameValidator(),
          DefaultHttpHeadersFactory.headersFactory().getValueValidator());
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
      if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
        contentLengthFields += String.valueOf(value).indexOf(',') >= 0 ? 2 : 1;
      }
      return super.add(name, value);
    }
  }

  private static final HttpHeadersFactory COUNTING_HEADERS = new HttpHeadersFactory() {
    @Override
    public HttpHeaders newHeaders() {
      return new ContentLengthCountingHeaders();
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return new ContentLengthCountingHeaders();
    }
  };

  StrictRequestDecoder(HttpDecoderConfig config) {
    super(config.clone().setHeadersFactory(COUNTING_HEADERS));
  }

  /** Whether {@code request} carried Content-Length more than once (or as a list), whatever Netty made of it. */
  static boolean repeatsContentLength(HttpRequest request) {
    return request.headers() instanceof ContentLengthCountingHeaders
        && ((ContentLengthCountingHeaders) request.headers()).contentLengthFields > 1;
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) throws Exception {
    String version = initialLine[2];
    if (!isVersionToken(version)) {
      throw new MalformedVersionException(version);
    }
    if (version.charAt(5) != '1') {
      throw new UnsupportedVersionException(version);
    }
    return super.createMessage(initialLine);
  }

  private static boolean isVersionToken(String version) {
    return version.length() == 8 && version.startsWith("HTTP/") && isDigit(version.charAt(5))
        && version.charAt(6) == '.' && isDigit(version.charAt(7));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
