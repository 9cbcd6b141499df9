package dev.weft.http.internal.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The authority a request is for, as RFC 9112 §3.2 and §3.2.2 define it: the authority of an
 * absolute-form target, else the {@code Host} header. A request is refused (400) when it is
 * ambiguous or invalid: HTTP/1.1 and later without {@code Host}, more than one {@code Host}, a
 * {@code Host} or target authority that is not {@code host [":" port]} (RFC 3986: reg-name, IPv4,
 * or a bracketed IP literal; no user info, no path, no spaces), or an empty host.
 * Host-confusion attacks behind proxies (cache keys, routing, password-reset links) live on
 * exactly those ambiguities.
 */
final class RequestAuthority {
  private static final int MAX_PORT_DIGITS = 5;

  /** Why a request's authority was refused; the message is safe to send to the client. */
  static final class InvalidAuthorityException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidAuthorityException(String message) {
      super(message, null, false, false);
    }
  }

  private RequestAuthority() {}

  /**
   * The effective authority of {@code head}: the absolute-form target's when {@code target} is
   * absolute, else the {@code Host} header's; empty for an HTTP/1.0 request without {@code Host}.
   */
  static String of(HttpRequest head) throws InvalidAuthorityException {
    List<String> hosts = head.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      throw new InvalidAuthorityException("more than one Host header");
    }
    HttpVersion version = head.protocolVersion();
    boolean hostRequired = version.majorVersion() == 1 && version.minorVersion() >= 1;
    if (hosts.isEmpty() && hostRequired) {
      throw new InvalidAuthorityException(version.text() + " requires a Host header");
    }
    String host = hosts.isEmpty() ? "" : hosts.get(0);
    if (!hosts.isEmpty() && !isValid(host)) {
      throw new InvalidAuthorityException("the Host header is not a valid host[:port]");
    }
    String target = head.uri();
    if (target.startsWith("/")) {
      return host;
    }
    String fromTarget = absoluteFormAuthority(target);
    if (fromTarget == null || !isValid(fromTarget)) {
      throw new InvalidAuthorityException("the request target's authority is not a valid host[:port]");
    }
    return fromTarget; // RFC 9112 §3.2.2: the target's authority wins over Host
  }

  /** The authority of {@code http://authority/...} or {@code https://...}; null for any other target. */
  private static String absoluteFormAuthority(String target) {
    int start;
    if (target.regionMatches(true, 0, "http://", 0, 7)) {
      start = 7;
    } else if (target.regionMatches(true, 0, "https://", 0, 8)) {
      start = 8;
    } else {
      return null;
    }
    int end = start;
    while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
      end++;
    }
    return target.substring(start, end);
  }

  /** Whether {@code authority} is {@code host [":" port]} with a non-empty host. */
  static boolean isValid(String authority) {
    int hostEnd;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 2) {
        return false;
      }
      for (int i = 1; i < close; i++) {
        char c = authority.charAt(i);
        if (!(isUnreserved(c) || isSubDelimiter(c) || c == ':')) {
          return false;
        }
      }
      hostEnd = close + 1;
    } else {
      hostEnd = 0;
      while (hostEnd < authority.length() && authority.charAt(hostEnd) != ':') {
        char c = authority.charAt(hostEnd);
        if (c == '%') {
          if (hostEnd + 2 >= authority.length() || !isHex(authority.charAt(hostEnd + 1))
              || !isHex(authority.charAt(hostEnd + 2))) {
            return false;
          }
          hostEnd += 2;
        } else if (!(isUnreserved(c) || isSubDelimiter(c))) {
          return false;
        }
        hostEnd++;
      }
      if (hostEnd == 0) {
        return false; // "an http URI with an empty host identifier" must be rejected (RFC 9110 §4.2.1)
      }
    }
    if (hostEnd == authority.length()) {
      return true;
    }
    if (authority.charAt(hostEnd) != ':' || authority.length() - hostEnd - 1 > MAX_PORT_DIGITS) {
      return false;
    }
    for (int i = hostEnd + 1; i < authority.length(); i++) {
      char c = authority.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
  }

  private static boolean isSubDelimiter(char c) {
    return "!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
