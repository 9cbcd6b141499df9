package dev.weft.http.internal.server;

import static dev.weft.internal.SettingChecks.checkDuration;
import static dev.weft.internal.SettingChecks.checkRange;
import static dev.weft.internal.SettingChecks.outOfRange;

import dev.weft.internal.limit.AdaptiveGate;
import dev.weft.limit.AdaptiveLimit;
import java.time.Duration;

/**
 * The checked settings of a server.
 *
 * @param maxConcurrentRequests requests handled at once, server-wide
 * @param requestTimeoutNanos from a request's headers to the start of its response
 * @param idleTimeoutNanos from the end of a response (or the connection's start) to the next request's headers
 * @param maxBodySize the largest aggregated body, bytes
 * @param maxHeaderSize the largest header section, bytes
 * @param maxInitialLineLength the longest request line, bytes
 * @param streamingBufferSize unread streamed body per request before reading pauses, bytes
 * @param retryAfterSeconds the Retry-After of a 503 for overload
 * @param shutdownGracePeriod the grace period of close()
 * @param maxConnections connections open at once, server-wide
 * @param maxBufferedBodyBytes the bytes all aggregated request bodies may hold together
 * @param sendTimeoutNanos the longest time a response being sent may go without a byte moving
 * @param adaptiveConcurrency an adaptive limit under maxConcurrentRequests, or null for none
 * @param admissionWaitNanos how long a blocking route's request waits for room in its full bulkhead; 0: not at all
 */
public record ServerSettings(
    int maxConcurrentRequests,
    long requestTimeoutNanos,
    long idleTimeoutNanos,
    int maxBodySize,
    int maxHeaderSize,
    int maxInitialLineLength,
    int streamingBufferSize,
    long retryAfterSeconds,
    Duration shutdownGracePeriod,
    int maxConnections,
    long maxBufferedBodyBytes,
    long sendTimeoutNanos,
    AdaptiveLimit adaptiveConcurrency,
    long admissionWaitNanos) {

  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  private static final long DEFAULT_BODY_BUDGET = 64L * MIB;
  private static final long MAX_BODY_BUDGET = 64L * 1024 * MIB;

  public static Builder builder() {
    return new Builder();
  }

  /** The raw values a user set, checked by {@link #build()}. */
  public static final class Builder {
    public int maxConcurrentRequests = 1_000;
    public Duration requestTimeout = Duration.ofSeconds(30);
    public Duration idleTimeout = Duration.ofSeconds(60);
    public int maxBodySize = MIB;
    public int maxHeaderSize = 8 * KIB;
    public int maxInitialLineLength = 4 * KIB;
    public int streamingBufferSize = 64 * KIB;
    public Duration retryAfter = Duration.ofSeconds(1);
    public Duration shutdownGracePeriod = Duration.ofSeconds(10);
    public int maxConnections = 10_000;
    public long maxBufferedBodyBytes = -1; // unset: DEFAULT_BODY_BUDGET, or maxBodySize if larger
    public Duration sendTimeout = Duration.ofSeconds(60);
    public AdaptiveLimit adaptiveConcurrency; // null: maxConcurrentRequests alone, fixed
    public Duration admissionWait = Duration.ofMillis(50);

    private Builder() {}

    public ServerSettings build() {
      checkRange("maxConcurrentRequests", maxConcurrentRequests, 1, 1_000_000, "");
      checkDuration("requestTimeout", requestTimeout, Duration.ofMillis(1));
      checkDuration("idleTimeout", idleTimeout, Duration.ofMillis(1));
      checkRange("maxBodySize", maxBodySize, 0, 1024 * MIB, " bytes");
      checkRange("maxHeaderSize", maxHeaderSize, KIB, MIB, " bytes");
      checkRange("maxInitialLineLength", maxInitialLineLength, 256, MIB, " bytes");
      checkRange("streamingBufferSize", streamingBufferSize, KIB, 16 * MIB, " bytes");
      checkDuration("retryAfter", retryAfter, Duration.ofSeconds(1));
      if (retryAfter.getNano() != 0) {
        throw new IllegalArgumentException("retryAfter must be whole seconds (was " + retryAfter + ")");
      }
      checkDuration("shutdownGracePeriod", shutdownGracePeriod, Duration.ZERO);
      checkRange("maxConnections", maxConnections, 1, 1_000_000, "");
      long bodyBudget = maxBufferedBodyBytes == -1 ? Math.max(DEFAULT_BODY_BUDGET, maxBodySize) : maxBufferedBodyBytes;
      if (bodyBudget < maxBodySize || bodyBudget > MAX_BODY_BUDGET) {
        // at least maxBodySize, or a body of the largest allowed size could never be accepted
        throw outOfRange("maxBufferedBodyBytes", maxBodySize + " (maxBodySize)", MAX_BODY_BUDGET + " bytes",
            maxBufferedBodyBytes);
      }
      checkDuration("sendTimeout", sendTimeout, Duration.ofMillis(1));
      checkRange("admissionWait", admissionWait, Duration.ZERO, Duration.ofMinutes(1));
      if (adaptiveConcurrency != null) { // its ceiling and floor against maxConcurrentRequests, now, not at start
        AdaptiveGate.create("the HTTP server", adaptiveConcurrency, maxConcurrentRequests, "maxConcurrentRequests");
      }
      return new ServerSettings(maxConcurrentRequests, requestTimeout.toNanos(), idleTimeout.toNanos(), maxBodySize,
          maxHeaderSize, maxInitialLineLength, streamingBufferSize, retryAfter.getSeconds(), shutdownGracePeriod,
          maxConnections, bodyBudget, sendTimeout.toNanos(), adaptiveConcurrency, admissionWait.toNanos());
    }
  }
}
