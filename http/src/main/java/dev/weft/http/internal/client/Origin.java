package dev.weft.http.internal.client;

import java.net.URI;
import java.util.Locale;

/**
 * Where connections go: scheme, host and port. Requests to the same origin share a pool.
 *
 * @param secure https
 * @param host the host as in the URI (an IPv6 literal keeps its brackets)
 * @param port the port, defaulted from the scheme
 */
record Origin(boolean secure, String host, int port) {

  static Origin of(URI uri) {
    boolean secure = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
    return new Origin(secure, uri.getHost().toLowerCase(Locale.ROOT), port);
  }

  /** The host to resolve and to verify the certificate against: without IPv6 brackets. */
  String bareHost() {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The Host header: the port only when it is not the scheme's default. */
  String hostHeader() {
    return port == (secure ? 443 : 80) ? host : host + ":" + port;
  }

  @Override
  public String toString() {
    return (secure ? "https://" : "http://") + host + ":" + port;
  }
}
