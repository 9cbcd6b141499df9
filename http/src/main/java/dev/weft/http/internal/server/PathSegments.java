package dev.weft.http.internal.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a raw request path into percent-decoded segments. Splitting comes first, so an encoded
 * {@code %2F} stays inside its segment; {@code +} is a plus sign in a path, not a space.
 */
final class PathSegments {
  private PathSegments() {}

  /**
   * @param rawPath the path as sent, starting with '/'
   * @return the decoded segments
   * @throws IllegalArgumentException if a percent escape is malformed or the bytes are not UTF-8
   */
  static String[] decode(String rawPath) {
    String[] segments = rawPath.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].indexOf('%') >= 0) {
        segments[i] = percentDecode(segments[i]);
      }
    }
    return segments;
  }

  private static String percentDecode(String segment) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          throw new IllegalArgumentException("truncated percent escape in path segment '" + segment + "'");
        }
        int high = Character.digit(segment.charAt(i + 1), 16);
        int low = Character.digit(segment.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException("malformed percent escape in path segment '" + segment + "'");
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("path segment '" + segment + "' is not percent-encoded UTF-8", e);
    }
  }
}
