package dev.weft.http.internal.client;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.weft.http.client.HttpClientException;
import dev.weft.http.client.HttpRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;

/**
 * One hop of a {@link Call} on one origin: waits in the pool for a connection, writes the request,
 * reads the response. Confined to the pool's loop.
 *
 * <p>State only moves forward: QUEUED (waiting for a connection) -> ACTIVE (request on a
 * connection, no head yet) -> BODY (head received) -> ENDED. {@link #finish} is the single way to
 * ENDED; it gives the connection back (or closes it) and frees the request's admission slot, so
 * each exchange does both exactly once.
 */
final class ClientExchange {
  private static final int QUEUED = 0;
  private static final int ACTIVE = 1;
  private static final int BODY = 2;
  private static final int ENDED = 3;
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

  final Call<?> call;
  final OriginPool pool;
  final HttpRequest request;
  private final boolean isRetry;
  private final long startNanos = System.nanoTime();

  private int state = QUEUED;
  private ClientConnection connection;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> readTimer; // streamed bodies: the server's silence while the subscriber waits
  private long lastProgressNanos;
  private RequestBodyWriter bodyWriter;
  private boolean requestSent;

  private int status;
  private HttpHeaders headers;
  private boolean keepAlive;
  private long contentLength = -1;
  private long bodyBytes;
  private BodyAccumulator aggregate;
  private StreamedBody stream;
  private HttpRequest redirect;

  ClientExchange(Call<?> call, OriginPool pool, HttpRequest request, boolean isRetry) {
    this.call = call;
    this.pool = pool;
    this.request = request;
    this.isRetry = isRetry;
  }

  boolean isEnded() {
    return state == ENDED;
  }

  /** Entering the pool: bound the wait by the call's deadline. */
  void armTimer() {
    long remaining = call.deadlineNanos - System.nanoTime();
    timer = pool.eventLoop().schedule(this::requestTimedOut, Math.max(0, remaining), NANOSECONDS);
  }

  /**
   * A connection is offered: build the request and write it on the connection. Returns false,
   * having failed this exchange and left the connection untouched, if the request cannot be put on
   * the wire; the pool then offers the connection to the next one.
   */
  boolean start(ClientConnection connection) {
    io.netty.handler.codec.http.HttpRequest head;
    try {
      head = head();
    } catch (RuntimeException unwritable) {
      fail(unwritable); // still QUEUED: only this request fails, the connection stays free
      return false;
    }
    state = ACTIVE;
    this.connection = connection;
    connection.bind(this);
    Channel channel = connection.channel();
    if (request.bodyPublisher().isPresent()) {
      channel.writeAndFlush(head, channel.voidPromise());
      bodyWriter = new RequestBodyWriter(this, channel, request.bodyLength());
      try {
        request.bodyPublisher().get().subscribe(bodyWriter);
      } catch (RuntimeException | Error broken) {
        fail(broken); // a publisher must not throw; this may run inside another exchange's hand-off
      }
    } else {
      requestSent = true;
      channel.writeAndFlush(head, channel.voidPromise());
    }
    return true;
  }

  /** The request head (and, for a body in memory, the whole request) as Netty writes it. */
  private io.netty.handler.codec.http.HttpRequest head() {
    URI uri = request.uri();
    String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpMethod method = HttpMethod.valueOf(request.method());
    ByteBuffer inMemory = request.body().orElse(null);
    io.netty.handler.codec.http.HttpRequest head = request.bodyPublisher().isPresent()
        ? new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target)
        : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target,
            inMemory == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(inMemory));
    HttpHeaders out = head.headers();
    for (Map.Entry<String, String> header : request.headers()) {
      out.add(header.getKey(), header.getValue());
    }
    if (!out.contains(HttpHeaderNames.HOST)) {
      out.set(HttpHeaderNames.HOST, pool.origin().hostHeader());
    }
    String userAgent = pool.settings().userAgent();
    if (!userAgent.isEmpty() && !out.contains(HttpHeaderNames.USER_AGENT)) {
      out.set(HttpHeaderNames.USER_AGENT, userAgent);
    }
    long length = request.bodyLength();
    if (length == -1) {
      out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else if (length > 0 || inMemory != null || request.bodyPublisher().isPresent()) {
      out.set(HttpHeaderNames.CONTENT_LENGTH, length);
    }
    return head;
  }

  void writabilityChanged() {
    if (bodyWriter != null) {
      bodyWriter.writabilityChanged();
    }
  }

  /** The streamed request body was written whole. */
  void requestBodySent() {
    requestSent = true;
  }

  /** The request body publisher failed (or broke its contract): the request fails with its error. */
  void requestBodyFailed(Throwable failure) {
    fail(failure);
  }

  void onHead(HttpResponse head) {
    if (state != ACTIVE) {
      return;
    }
    state = BODY;
    status = head.status().code();
    headers = head.headers();
    keepAlive = HttpUtil.isKeepAlive(head);
    contentLength = HttpUtil.getContentLength(head, -1L);
    try {
      redirect = Redirects.next(call, pool, request, status, headers);
    } catch (HttpClientException tooMany) {
      fail(tooMany);
      return;
    }
    if (redirect != null) {
      return; // the body is drained and dropped; the redirect follows at its end
    }
    if (call.streaming) {
      cancelTimer();
      if (call.contextDeadlineNanos != Long.MAX_VALUE) {
        timer = pool.eventLoop().schedule(this::bodyTimedOut,
            Math.max(0, call.contextDeadlineNanos - System.nanoTime()), NANOSECONDS);
      }
      stream = new StreamedBody(this, connection);
      lastProgressNanos = System.nanoTime();
      readTimer = pool.eventLoop().schedule(this::checkReadProgress, pool.settings().readTimeoutNanos(), NANOSECONDS);
      pool.responded(System.nanoTime() - startNanos);
      @SuppressWarnings("unchecked")
      Call<StreamingResponse> streamingCall = (Call<StreamingResponse>) call;
      if (!streamingCall.promise.complete(new StreamingResponse(status, headers, request.uri(), stream))) {
        // cancelled while the head was on its way: nobody owns this body, so it goes now
        stream = null;
        finish(false);
      }
      return;
    }
    int limit = pool.settings().maxResponseBodySize();
    if (request.method().equals("HEAD") || status == 204 || status == 304) {
      contentLength = -1; // its Content-Length describes a body that is not sent
    }
    if (contentLength > limit) {
      fail(bodyTooLarge("declares a Content-Length of " + contentLength + " bytes"));
      return;
    }
    aggregate = new BodyAccumulator(limit, contentLength);
  }

  void onContent(ByteBuf content, boolean last) {
    if (state != BODY) {
      return;
    }
    bodyBytes += content.readableBytes();
    lastProgressNanos = System.nanoTime();
    if (stream != null) {
      stream.onData(content);
      if (state != BODY) {
        return; // the subscriber gave the body up from onNext
      }
    } else if (aggregate != null && !aggregate.add(content)) {
      fail(bodyTooLarge("sent more than " + aggregate.size() + " bytes"));
      return;
    }
    if (last) {
      onEnd();
    }
  }

  private void onEnd() {
    boolean reusable = keepAlive && requestSent && status != 101 && !request.method().equals("CONNECT")
        && !"close".equalsIgnoreCase(request.header("Connection").orElse(""));
    if (redirect != null) {
      finish(reusable);
      pool.client().follow(call, redirect);
    } else if (stream != null) {
      finish(reusable);
      stream.onEnd();
    } else {
      finish(reusable);
      pool.responded(System.nanoTime() - startNanos);
      @SuppressWarnings("unchecked")
      Call<ReceivedResponse> aggregatedCall = (Call<ReceivedResponse>) call;
      aggregatedCall.promise.complete(
          new ReceivedResponse(status, headers, request.uri(), aggregate.bytes(), aggregate.size()));
    }
  }

  /** The response could not be parsed. */
  void malformed(Throwable cause) {
    fail(new HttpClientException(HttpClientException.Kind.MALFORMED_RESPONSE, pool.origin().toString(),
        describe() + ": malformed response " + phase() + ": " + cause.getMessage()
            + (cause.getClass().getSimpleName().startsWith("TooLong") ? " (maxResponseHeaderSize is "
                + pool.settings().maxResponseHeaderSize() + " bytes)" : ""), cause));
  }

  /** The connection closed, or failed, under this exchange. */
  void connectionLost(Throwable cause) {
    if (state == ENDED) {
      return;
    }
    if (state == ACTIVE && !isRetry && connection != null && connection.servedBefore(this) && replayable()) {
      // A pooled connection the server closed while we reused it: nothing of the response came, and the
      // request can be repeated safely, so it goes once more, first in line, on another connection.
      state = ENDED;
      cancelTimer();
      stopBodyWriter();
      connection = null;
      pool.retry(new ClientExchange(call, pool, request, true));
      return;
    }
    String what = state == ACTIVE ? "before the response head"
        : "after " + bodyBytes + (contentLength >= 0 ? " of " + contentLength : "") + " bytes of the response body";
    fail(new HttpClientException(HttpClientException.Kind.CONNECTION_CLOSED, pool.origin().toString(),
        describe() + ": the connection closed " + what + (cause == null ? "" : " (" + cause + ")"), cause));
  }

  /** The caller cancelled the call's future (it is already cancelled). */
  void cancel() {
    if (state == ENDED || stream != null) {
      return; // a delivered streaming response is given up through its body or close()
    }
    finish(false);
  }

  /** The client is closing. */
  void clientClosed() {
    fail(new HttpClientException(HttpClientException.Kind.CLIENT_CLOSED, pool.origin().toString(),
        describe() + ": the HTTP client was closed " + phase(), null));
  }

  /** The runtime's loops are stopping: no connection can be opened for this exchange any more. */
  void runtimeShuttingDown() {
    fail(new HttpClientException(HttpClientException.Kind.CLIENT_CLOSED, pool.origin().toString(),
        describe() + ": the runtime is shutting down " + phase(), null));
  }

  private void requestTimedOut() {
    timedOut(call.timeoutSetting());
  }

  private void bodyTimedOut() {
    timedOut("the context's deadline");
  }

  private void timedOut(String setting) {
    if (state == ENDED) {
      return;
    }
    fail(new TimeoutException(describe() + " timed out after " + Durations.since(call.startNanos) + " ("
        + setting + ") " + phase() + (state == QUEUED ? "" : "; its connection was closed")));
  }

  /** Fails the call (or the streamed body, once the head was delivered), closing the connection. */
  void fail(Throwable failure) {
    if (state == ENDED) {
      return;
    }
    boolean headDelivered = stream != null;
    finish(false);
    if (headDelivered) {
      stream.onError(failure);
    } else {
      pool.failed();
      call.promise.fail(failure);
    }
  }

  /** A streamed body's subscriber asked for more after having no demand: the server's turn starts now. */
  void consumerAsked() {
    lastProgressNanos = System.nanoTime();
  }

  /** Gives up the body of a delivered streaming response. */
  void abandonBody() {
    if (state != ENDED) {
      finish(false);
    }
  }

  private void finish(boolean reusable) {
    if (state == ENDED) {
      return; // e.g. a subscriber cancelled from onNext while the last chunk was delivered
    }
    int was = state;
    state = ENDED;
    cancelTimer();
    stopBodyWriter();
    ClientConnection used = connection;
    connection = null;
    pool.ended(this, was == QUEUED, used, reusable);
  }

  private void stopBodyWriter() {
    if (bodyWriter != null) {
      bodyWriter.stop();
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (readTimer != null) {
      readTimer.cancel(false);
      readTimer = null;
    }
  }

  /**
   * Streamed bodies only: fails the body when the server has sent nothing for readTimeout while the
   * subscriber waited. While the subscriber has no demand (or bytes wait for it), or the request body
   * is still being sent, the client is the slow side, so that time is not counted against the server.
   */
  private void checkReadProgress() {
    if (state != BODY || connection == null) {
      return;
    }
    long timeout = pool.settings().readTimeoutNanos();
    long now = System.nanoTime();
    if (stream == null || !stream.isWaitingForServer() || !requestSent) {
      lastProgressNanos = now; // the consumer's turn: its time is not the server's silence
    } else if (now - lastProgressNanos >= timeout) {
      fail(new TimeoutException(describe() + ": the server sent nothing for " + Durations.text(now - lastProgressNanos)
          + " (readTimeout of " + Durations.text(timeout) + ") " + phase() + "; its connection was closed"));
      return;
    }
    readTimer = pool.eventLoop().schedule(this::checkReadProgress, lastProgressNanos + timeout - now, NANOSECONDS);
  }

  private boolean replayable() {
    return IDEMPOTENT.contains(request.method()) && request.bodyPublisher().isEmpty();
  }

  private HttpClientException bodyTooLarge(String what) {
    return new HttpClientException(HttpClientException.Kind.BODY_TOO_LARGE, pool.origin().toString(),
        describe() + ": the response body " + what + ", over maxResponseBodySize of "
            + pool.settings().maxResponseBodySize() + " bytes; the connection was closed (use HttpClient.stream for "
            + "large bodies)", null);
  }

  private String phase() {
    switch (state) {
      case QUEUED:
        return "while waiting for a connection to " + pool.origin() + " (" + pool.describeLoad() + ")";
      case ACTIVE:
        return "while waiting for the response head";
      default:
        return "after " + bodyBytes + (contentLength >= 0 ? " of " + contentLength : "") + " bytes of the response body";
    }
  }

  String describe() {
    return request.method() + " " + request.uri();
  }
}
