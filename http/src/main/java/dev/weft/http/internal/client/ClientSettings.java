package dev.weft.http.internal.client;

import static dev.weft.internal.SettingChecks.checkDuration;
import static dev.weft.internal.SettingChecks.checkRange;

import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;

/**
 * The checked settings of a client.
 *
 * @param maxConnectionsPerOrigin connections open or opening per origin
 * @param maxPendingRequests requests waiting for a connection per origin
 * @param idleTimeoutNanos how long an unused connection stays pooled
 * @param connectTimeoutNanos TCP connect plus TLS handshake
 * @param requestTimeoutNanos from send to the last byte (streaming: to the head)
 * @param readTimeoutNanos longest silence of the server while a streamed body's subscriber waits
 * @param maxResponseBodySize the largest aggregated body, bytes
 * @param maxResponseHeaderSize the largest header section, bytes
 * @param maxRedirects redirects followed per request, 0 = off
 * @param trustCertificates PEM file of trusted certificates, or null
 * @param trustManagerFactory trust manager factory, or null
 * @param userAgent default User-Agent, empty for none
 */
public record ClientSettings(
    int maxConnectionsPerOrigin,
    int maxPendingRequests,
    long idleTimeoutNanos,
    long connectTimeoutNanos,
    long requestTimeoutNanos,
    long readTimeoutNanos,
    int maxResponseBodySize,
    int maxResponseHeaderSize,
    int maxRedirects,
    Path trustCertificates,
    TrustManagerFactory trustManagerFactory,
    String userAgent) {

  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  public static Builder builder() {
    return new Builder();
  }

  /** The raw values a user set, checked by {@link #build()}. */
  public static final class Builder {
    public int maxConnectionsPerOrigin = 16;
    public int maxPendingRequests = 256;
    public Duration idleTimeout = Duration.ofSeconds(30);
    public Duration connectTimeout = Duration.ofSeconds(10);
    public Duration requestTimeout = Duration.ofSeconds(30);
    public Duration readTimeout = Duration.ofSeconds(30);
    public int maxResponseBodySize = 16 * MIB;
    public int maxResponseHeaderSize = 16 * KIB;
    public int maxRedirects = 0;
    public Path trustCertificates;
    public TrustManagerFactory trustManagerFactory;
    public String userAgent = "weft-http";

    private Builder() {}

    public ClientSettings build() {
      checkRange("maxConnectionsPerOrigin", maxConnectionsPerOrigin, 1, 10_000, "");
      checkRange("maxPendingRequests", maxPendingRequests, 0, 1_000_000, "");
      checkDuration("idleTimeout", idleTimeout, Duration.ofMillis(1));
      checkDuration("connectTimeout", connectTimeout, Duration.ofMillis(1));
      checkDuration("requestTimeout", requestTimeout, Duration.ofMillis(1));
      checkDuration("readTimeout", readTimeout, Duration.ofMillis(1));
      checkRange("maxResponseBodySize", maxResponseBodySize, 0, 1024 * MIB, " bytes");
      checkRange("maxResponseHeaderSize", maxResponseHeaderSize, KIB, MIB, " bytes");
      checkRange("followRedirects", maxRedirects, 0, 20, " hops");
      for (int i = 0; i < userAgent.length(); i++) {
        char c = userAgent.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException("userAgent must not contain line breaks or NUL");
        }
      }
      return new ClientSettings(maxConnectionsPerOrigin, maxPendingRequests, idleTimeout.toNanos(),
          connectTimeout.toNanos(), requestTimeout.toNanos(), readTimeout.toNanos(), maxResponseBodySize, maxResponseHeaderSize, maxRedirects,
          trustCertificates, trustManagerFactory, userAgent);
    }
  }
}
