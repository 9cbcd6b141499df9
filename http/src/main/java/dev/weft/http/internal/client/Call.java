package dev.weft.http.internal.client;

import dev.weft.future.Promise;
import dev.weft.http.client.HttpRequest;
import java.time.Duration;

/**
 * One request as the user made it, from send() to the final response: its promise, its deadline,
 * and its hops (redirects, and one retry on a stale pooled connection). Each hop is an {@link
 * ClientExchange}; {@link #current} is the one a cancellation must reach.
 *
 * @param <R> the response type: HttpResponse or StreamingHttpResponse
 */
final class Call<R> {
  final Promise<R> promise;
  final boolean streaming;
  final long startNanos;
  /** System.nanoTime() when the request times out: the earlier of its timeout and the context's deadline. */
  final long deadlineNanos;
  /** The context's deadline in System.nanoTime(), or Long.MAX_VALUE: it also bounds a streamed body. */
  final long contextDeadlineNanos;
  private final String timeoutSetting;

  /** Redirects followed so far; touched only by the loop running the current hop. */
  int redirects;
  volatile ClientExchange current;

  Call(Promise<R> promise, boolean streaming, HttpRequest request, long requestTimeoutNanos, long contextRemainingNanos) {
    this.promise = promise;
    this.streaming = streaming;
    this.startNanos = System.nanoTime();
    long timeout = request.timeout().map(Duration::toNanos).orElse(requestTimeoutNanos);
    boolean contextFirst = contextRemainingNanos < timeout;
    this.deadlineNanos = startNanos + Math.min(timeout, contextRemainingNanos);
    this.contextDeadlineNanos = contextRemainingNanos == Long.MAX_VALUE ? Long.MAX_VALUE
        : startNanos + contextRemainingNanos;
    this.timeoutSetting = contextFirst ? "the context's deadline"
        : request.timeout().isPresent() ? "the request's timeout of " + Durations.text(timeout)
        : "requestTimeout of " + Durations.text(timeout);
  }

  String timeoutSetting() {
    return timeoutSetting;
  }
}
