package dev.weft.http.internal.server;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with the version token matched as RFC 9112 §2.3 writes it:
 * {@code HTTP/} DIGIT {@code .} DIGIT, case-sensitive. Netty upper-cases the token and accepts
 * any major version; here {@code http/1.1} is malformed (400) and a major version other than 1 is
 * {@link UnsupportedVersionException} (505). Either becomes the decoder's failed message.
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

  StrictRequestDecoder(HttpDecoderConfig config) {
    super(config);
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
