package dev.weft.http.internal.server;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.http.server.Response;
import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.limit.AdaptiveGate;
import dev.weft.internal.limit.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/*
 * Overview: one request and its response, on the connection's loop (every method runs there).
 *
 * Phases: READING_BODY (aggregating a body before the handler runs) -> HANDLING (the handler's
 * future is pending; for a streaming route the body may still be arriving) -> RESPONDING (the
 * response is being written) -> DONE. Each phase is bounded: READING_BODY and HANDLING by the
 * request timeout, RESPONDING by the send timeout (SendWatch: nothing of the response moved for
 * sendTimeout closes the connection, which aborts the exchange). An error response (404, 413, timeout, ...) can jump from any
 * phase before RESPONDING straight to RESPONDING; abort() (the connection closed) jumps to DONE
 * from anywhere. Callbacks that arrive for a phase that has passed (a handler completing after
 * the timeout answered) are ignored, so exactly one response is ever written.
 *
 * Body bookkeeping is separate from the phases: `bodyComplete` turns true when the last content
 * arrives. A response sent while the body is incomplete is sent with Connection: close, since the
 * rest of the body cannot be skipped without reading it. Every content buffer is released by
 * onContent, whatever happens to it.
 *
 * Admission: a request is admitted when its head has passed routing and the declared-size check,
 * before any of its body is read and before 100 Continue; a request that cannot be admitted is
 * answered 503 at once (with Connection: close if a body was announced). `admitted` is true
 * between a successful ServerState.tryAdmit() and finish/abort, which release it exactly once.
 * An aggregated body reserves its bytes on the server's BodyBudget before allocating them
 * (AggregatedBody); a body that cannot get them is refused with 503, never queued, and the
 * reservation is returned with the permit.
 *
 * Admission wait: a blocking route's call that its bulkhead refuses at once (a RejectedException
 * in an already failed future) is tried again on this loop after 1, 2, 4, 8, then every 16 ms,
 * while admissionWait lasts; then the refusal is the answer (503), unless the bulkhead is still
 * bringing threads into service (ThreadsStarting: calls handed to threads that are starting or
 * waiting for a core, so fewer than maxThreads run) - a burst that outran start-up, not
 * saturation - in which case it waits on, until the request timeout. The request keeps its server
 * permit meanwhile, so waiting requests are bounded by maxConcurrentRequests, and the request
 * timeout, an abort or the response (phase leaves HANDLING) ends the wait: retryAdmission does
 * nothing outside HANDLING and every exit cancels the timer and leaves the line. Waiters also
 * stand in their bulkhead's line (AdmissionWaiters): when one of this server's calls on it ends,
 * the oldest is told to try at once, ahead of the next request of the client just served. Timers
 * stay, because a bulkhead is shared with callers the server does not see; the doubling keeps a
 * saturated bulkhead's refusals to about 7 per request in 50 ms.
 */

/** One request-response exchange on a connection. */
final class ServerExchange implements ResponseBodySubscriber.Outcome, SendWatch.Stalled {
  private static final Logger LOG = ServerState.log();
  private static final long FIRST_ADMISSION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long MAX_ADMISSION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

  private enum Phase { READING_BODY, HANDLING, RESPONDING, DONE }

  private final ServerConnection connection;
  private final ChannelHandlerContext ctx;
  private final ServerState server;
  private final HttpRequest head;
  private final long startNanos = System.nanoTime();
  private final boolean headRequest;
  private Phase phase = Phase.READING_BODY;
  private boolean bodyComplete; // the last byte of the request body has arrived, or none was declared
  private boolean lastContentSeen; // the decoder's LastHttpContent for this request has arrived
  private boolean closeAfter; // the response carries Connection: close, and the connection closes after it
  private boolean admitted; // holds one of the server's concurrency permits
  private AdaptiveGate.Permit adaptivePermit; // the adaptive limit's permit, from admission to the end of handling
  private int status; // the status being written, once RESPONDING
  private String path; // the raw path, once parsed
  private String authority; // the effective authority (RFC 9112 §3.2.2), once checked
  private Router.Match match; // the route, once found
  private AggregatedBody body; // a non-streaming route's body and its share of the budget, until the exchange ends
  private RequestBodyPublisher upload; // the body of a streaming route
  private DefaultPromise<Response> handlerResult; // follows the handler's future, homed on this loop
  private ResponseBodySubscriber download; // writes a streaming response
  private ScheduledFuture<?> timer; // the request timeout, until the response starts
  private DefaultRequest request; // what the handler gets, once the body is in (or streams)
  private long admissionDeadline; // System.nanoTime() when a bulkheaded route stops retrying its full bulkhead; 0: no wait
  private long admissionDelayNanos; // the pause before the next try while admissionWait lasts
  private ScheduledFuture<?> admissionRetry; // the next try of a call its bulkhead refused; null: not waiting
  private boolean inAdmissionLine; // in server.admissionWaiters, as far as this loop knows
  private boolean toldToTryAgain; // this try was prompted by a freed slot: if refused, back to the front
  private SendWatch sendWatch; // the send timeout, while RESPONDING
  private Deadline deadline;

  ServerExchange(ServerConnection connection, ChannelHandlerContext ctx, ServerState server, HttpRequest head) {
    this.connection = connection;
    this.ctx = ctx;
    this.server = server;
    this.head = head;
    this.headRequest = HttpMethod.HEAD.equals(head.method());
  }

  /** Validates and routes the request head; then reads the body, or calls the handler. */
  void start() {
    DecoderResult decoded = head.decoderResult();
    if (decoded.isFailure()) {
      bodyComplete = true; // the decoder discards everything after a malformed message
      lastContentSeen = true;
      rejectMalformed(decoded.cause());
      return;
    }
    if (StrictRequestDecoder.repeatsContentLength(head)) {
      LOG.debug("400 for {}: Content-Length sent more than once", this);
      respondError(400, "Bad Request: malformed or ambiguous request.", true);
      return;
    }
    bodyComplete = !HttpUtil.isTransferEncodingChunked(head) && HttpUtil.getContentLength(head, 0L) == 0;
    if (server.isShuttingDown() || connection.closing()) {
      respondError(503, "The server is shutting down.", false);
      return;
    }
    try {
      authority = RequestAuthority.of(head);
    } catch (RequestAuthority.InvalidAuthorityException invalid) {
      LOG.debug("400 for {}: {}", this, invalid.getMessage());
      respondError(400, "Bad Request: " + invalid.getMessage() + ".", true);
      return;
    }
    path = rawPath(head.uri());
    if (path == null) {
      respondError(400, "Bad Request: the request target must be a path, like /index.html.", false);
      return;
    }
    match = server.router.find(head.method().name(), path);
    switch (match.outcome) {
      case BAD_PATH:
        LOG.debug("400 for {} {}: {}", head.method(), path, match.problem);
        respondError(400, "Bad Request: the path is not valid percent-encoded UTF-8.", false);
        return;
      case NOT_FOUND:
        respondError(404, "Not Found", false);
        return;
      case METHOD_NOT_ALLOWED:
        respond(errorResponse(405, "Method Not Allowed").withHeader("Allow", match.allow));
        return;
      default:
        break;
    }
    String expect = head.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
      respondError(417, "Expectation Failed: only 100-continue is supported.", false);
      return;
    }
    boolean streaming = match.route.endpoint().streaming();
    if (!streaming && HttpUtil.getContentLength(head, 0L) > server.settings.maxBodySize()) {
      LOG.debug("413 for {} {}: Content-Length {} is over maxBodySize {}", head.method(), path,
          HttpUtil.getContentLength(head, 0L), server.settings.maxBodySize());
      respondError(413, "Payload Too Large: the body may have at most " + server.settings.maxBodySize() + " bytes.",
          false);
      return;
    }
    // admission and the body's memory come before its first byte is read, and before 100 Continue
    if (!server.tryAdmit()) {
      server.metrics.rejected();
      server.overloadLog.occurred("503 for {}: maxConcurrentRequests (" + server.settings.maxConcurrentRequests()
          + ") reached; raise it or shed load upstream", this);
      respondOverloaded("the server is busy");
      return;
    }
    if (server.adaptiveGate != null && (adaptivePermit = server.adaptiveGate.tryAcquire()) == null) {
      server.metrics.rejected(); // before the release, as in bodyWritten
      server.releaseAdmission();
      server.overloadLog.occurred("503 for {}: the adaptive concurrency limit is reached ("
          + server.adaptiveGate.describe() + "); raise the adaptive limit's floor if the backends can take more, "
          + "or shed load upstream", this);
      respondOverloaded("the server is busy");
      return;
    }
    admitted = true;
    if (!streaming && !bodyComplete) {
      body = HttpUtil.isTransferEncodingChunked(head)
          ? AggregatedBody.chunked(server.settings.maxBodySize(), server.bodyBudget)
          : AggregatedBody.declared((int) HttpUtil.getContentLength(head, 0L), server.bodyBudget);
      if (body == null) {
        refuseForBudget();
        return;
      }
    }
    deadline = Deadline.after(Duration.ofNanos(server.settings.requestTimeoutNanos()));
    timer = ctx.executor().schedule(this::timedOut, server.settings.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
    if (expect != null && !bodyComplete) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
    if (streaming) {
      upload = new RequestBodyPublisher(ctx.executor(), connection, server.settings.streamingBufferSize());
      if (bodyComplete) {
        upload.onEnd();
      }
      invokeHandler();
    } else if (bodyComplete) {
      invokeHandler();
    }
    // otherwise the handler runs when the body's last content arrives
  }

  private void refuseForBudget() {
    server.metrics.rejected();
    server.overloadLog.occurred("503 for {}: the request bodies held in memory reached maxBufferedBodyBytes ("
        + server.bodyBudget.limit() + " bytes); raise it, lower maxBodySize, or use a streaming route", this);
    respondOverloaded("the server holds too many request bodies (maxBufferedBodyBytes)");
  }

  /**
   * Whether body content that arrives now belongs to this exchange. The decoder ends every request
   * with a LastHttpContent, an empty one when there is no body.
   */
  boolean acceptsContent() {
    return !lastContentSeen;
  }

  /** A piece of this request's body; always released here. */
  void onContent(HttpContent content) {
    try {
      if (content.decoderResult().isFailure()) {
        bodyComplete = true;
        lastContentSeen = true;
        closeAfter = true;
        LOG.debug("400 for {} {}: malformed body: {}", head.method(), path, content.decoderResult().cause().toString());
        // answer first: a streaming handler that fails on the body's error must not turn the 400 into a 500
        if (phase == Phase.READING_BODY || phase == Phase.HANDLING) {
          Future<Response> pending = handlerResult;
          respondError(400, "Bad Request: malformed body.", false);
          cancel(pending);
        }
        if (upload != null) {
          upload.fail(new IOException("the request body is malformed: " + content.decoderResult().cause().getMessage()));
        }
        return;
      }
      boolean last = content instanceof LastHttpContent;
      ByteBuf bytes = content.content();
      if (phase == Phase.READING_BODY && body != null) {
        AggregatedBody.Appended appended = body.append(bytes);
        if (appended == AggregatedBody.Appended.OVER_LIMIT) {
          LOG.debug("413 for {} {}: chunked body over maxBodySize {}", head.method(), path, server.settings.maxBodySize());
          respondError(413, "Payload Too Large: the body may have at most " + server.settings.maxBodySize() + " bytes.",
              false);
          return;
        }
        if (appended == AggregatedBody.Appended.OVER_BUDGET) {
          refuseForBudget();
          return;
        }
      } else if (upload != null) {
        upload.onContent(bytes);
      }
      if (last) {
        bodyComplete = true;
        lastContentSeen = true;
        if (upload != null) {
          upload.onEnd();
        }
        if (phase == Phase.READING_BODY) {
          invokeHandler();
        }
      }
    } finally {
      content.release();
    }
  }

  private void invokeHandler() {
    phase = Phase.HANDLING;
    byte[] bytes = body == null ? null : body.toByteArray();
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    request = new DefaultRequest(head.method().name(), head.uri(), path, authority, head.headers(),
        match.pathParams, match.route.template().toString(), bytes, remote, connection.loop());
    long admissionWait = server.settings.admissionWaitNanos();
    if (admissionWait > 0 && match.route.endpoint().bulkheaded()) {
      admissionDeadline = System.nanoTime() + admissionWait;
      admissionDelayNanos = FIRST_ADMISSION_RETRY_NANOS;
    }
    callHandler();
  }

  /** Calls the handler; a bulkheaded one again later, while admissionWait lasts, if its bulkhead is full. */
  private void callHandler() {
    Future<Response> result;
    // A scope around the handler (with thread-local propagation on): what it sets on this loop
    // thread, an MDC entry for its request, is undone when it returns, so it never reaches the next
    // request's handler; what it registers (callbacks, blocking calls) carries it along.
    AtomicBoolean began = new AtomicBoolean();
    Context previous = ContextStorage.attach(ContextStorage.capture());
    try {
      result = Context.current().withDeadline(deadline).call(() -> match.route.endpoint().invoke(request, upload, began));
    } catch (Throwable thrown) {
      handlerDone(null, thrown);
      return;
    } finally {
      ContextStorage.restore(previous);
    }
    if (result == null) {
      handlerDone(null, new NullPointerException("the handler returned null instead of a Future<Response>"));
      return;
    }
    // A refusal of this call, not a RejectedException the handler's own calls met: the handler never began.
    // (The future completes after `began` is set, so a failure read here sees it if the handler ran.)
    if (result.isFailed() && result.failureNow() instanceof RejectedException && !began.get() && waitForAdmission()) {
      return; // refused at once by a full bulkhead: tried again later (see Admission wait in the Overview)
    }
    leaveAdmissionLine();
    handlerResult = new DefaultPromise<>(connection.loop());
    handlerResult.follow(result);
    handlerResult.onComplete(this::handlerDone);
  }

  /**
   * Schedules the next try of a refused call, and keeps (or takes) the request's place in its
   * bulkhead's line, if the wait allows; false if the refusal is the answer.
   */
  private boolean waitForAdmission() {
    if (admissionDeadline == 0 || server.isShuttingDown() || connection.closing()) {
      return false;
    }
    long left = admissionDeadline - System.nanoTime();
    long delay = admissionDelayNanos;
    if (left > 0) {
      delay = Math.min(delay, left);
    } else if (!match.route.endpoint().bulkheadStarting()) {
      return false; // every thread the bulkhead may have is busy, and has been for the whole wait
    } // else its threads are still starting: not saturation yet; the request timeout bounds the wait
    admissionDelayNanos = Math.min(2 * admissionDelayNanos, MAX_ADMISSION_RETRY_NANOS);
    admissionRetry = ctx.executor().schedule(this::retryAdmission, delay, TimeUnit.NANOSECONDS);
    if (!inAdmissionLine) {
      inAdmissionLine = true;
      if (toldToTryAgain) {
        server.admissionWaiters.rejoinAtFront(match.route.endpoint().bulkhead(), this);
      } else {
        server.admissionWaiters.join(match.route.endpoint().bulkhead(), this);
      }
    }
    toldToTryAgain = false;
    return true;
  }

  /** The pause before the next try ended. */
  private void retryAdmission() {
    admissionRetry = null;
    if (phase == Phase.HANDLING) { // else answered meanwhile (request timeout) or aborted
      callHandler();
    }
  }

  /** A call on this request's bulkhead ended and this request was the oldest waiter: try now. Any thread. */
  void tryAgainNow() {
    ctx.executor().execute(() -> {
      inAdmissionLine = false; // AdmissionWaiters took us out of the line
      if (phase != Phase.HANDLING) {
        // answered or gone meanwhile: the freed slot is not ours, so the next waiter is told
        server.admissionWaiters.slotFreed(match.route.endpoint().bulkhead());
        return;
      }
      if (admissionRetry == null) {
        return; // admitted by a timer's try meanwhile: that try took the slot
      }
      admissionRetry.cancel(false);
      admissionRetry = null;
      toldToTryAgain = true;
      callHandler();
    });
  }

  /** Ends the wait: no more tries, and out of the bulkhead's line. */
  private void cancelAdmissionRetry() {
    if (admissionRetry != null) {
      admissionRetry.cancel(false);
      admissionRetry = null;
    }
    leaveAdmissionLine();
  }

  private void leaveAdmissionLine() {
    if (inAdmissionLine) {
      inAdmissionLine = false;
      server.admissionWaiters.leave(match.route.endpoint().bulkhead(), this);
    }
  }

  private void handlerDone(Response response, Throwable failure) {
    if (admissionDeadline != 0 && !(failure instanceof RejectedException) && !(failure instanceof CancellationException)) {
      // Our call on the bulkhead ended, so its slot is free: the oldest request waiting for one goes
      // next. Not for a refusal (no slot was taken) nor a cancellation (a running call may still hold
      // its thread; the waiters' timers cover the slot when it frees).
      server.admissionWaiters.slotFreed(match.route.endpoint().bulkhead());
    }
    if (phase != Phase.HANDLING) {
      return; // answered already (timeout, malformed body) or aborted
    }
    endHandling(failure instanceof RejectedException ? Outcome.DROPPED
        : failure != null || response == null ? Outcome.FAILURE
        : response.status() == 503 ? Outcome.DROPPED
        : response.status() >= 500 ? Outcome.FAILURE : Outcome.SUCCESS);
    if (failure instanceof RejectedException) {
      server.metrics.rejected();
      // Not WARN here: what refused (an adapter, the JDBC bridge) logs its saturation itself, rate-
      // limited; a second WARN per 503 for the same incident told the reader nothing new.
      LOG.debug("503 for {}: {}", this, failure.getMessage());
      respondOverloaded("the server is busy");
    } else if (failure != null) {
      LOG.error("the handler of {} failed; the client gets 500", this, failure);
      respondError(500, "Internal Server Error", false);
    } else if (response == null) {
      LOG.error("the handler of {} returned a null Response; the client gets 500", this);
      respondError(500, "Internal Server Error", false);
    } else {
      respond(response);
    }
  }

  private void timedOut() {
    timer = null;
    if (phase == Phase.READING_BODY) {
      LOG.debug("408 for {}: the body did not arrive within the request timeout", this);
      respondError(408, "Request Timeout: the body did not arrive in time.", true);
    } else if (phase == Phase.HANDLING) {
      // still waiting for its bulkhead: no backend was reached, so the limit learns nothing of it
      endHandling(admissionRetry != null ? Outcome.DROPPED : Outcome.TIMEOUT);
      server.metrics.timedOut();
      server.timeoutLog.occurred("503 for {}: the handler did not answer within the request timeout ("
          + TimeUnit.NANOSECONDS.toMillis(server.settings.requestTimeoutNanos()) + " ms); it was cancelled", this);
      Future<Response> pending = handlerResult;
      respondError(503, "Service Unavailable: the request timed out.", false);
      cancel(pending);
    }
  }

  private static void cancel(Future<Response> pending) {
    if (pending != null) {
      pending.cancel(); // reaches the handler's own future: a blocking call is dropped or interrupted
    }
  }

  private void rejectMalformed(Throwable cause) {
    LOG.debug("malformed request: {}", cause.toString());
    if (cause instanceof TooLongHttpLineException) {
      respondError(414, "URI Too Long: the request line may have at most " + server.settings.maxInitialLineLength()
          + " bytes.", true);
    } else if (cause instanceof StrictRequestDecoder.UnsupportedVersionException) {
      respondError(505, "HTTP Version Not Supported: this server speaks HTTP/1.1 and HTTP/1.0.", true);
    } else if (cause instanceof TooLongHttpHeaderException) {
      respondError(431, "Request Header Fields Too Large: the headers may have at most "
          + server.settings.maxHeaderSize() + " bytes.", true);
    } else {
      respondError(400, "Bad Request: malformed or ambiguous request.", true);
    }
  }

  private void respondOverloaded(String why) {
    respond(errorResponse(503, "Service Unavailable: " + why + "; retry later.")
        .withHeader("Retry-After", Long.toString(server.settings.retryAfterSeconds())));
  }

  private void respondError(int code, String message, boolean close) {
    closeAfter |= close;
    respond(errorResponse(code, message));
  }

  private static Response errorResponse(int code, String message) {
    return Response.text(code, message + "\n");
  }

  /** Writes the response; the exchange ends when its last byte is written. */
  private void respond(Response response) {
    phase = Phase.RESPONDING;
    cancelAdmissionRetry();
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    status = response.status();
    if (!bodyComplete || connection.closing() || server.isShuttingDown() || !HttpUtil.isKeepAlive(head)) {
      closeAfter = true;
    }
    boolean noBody = headRequest || status == 204 || status == 304;
    boolean streamed = response.stream().isPresent();
    boolean writeStream = streamed && !noBody;
    // RFC 9112 §6.1: no Transfer-Encoding to an HTTP/1.0 client; its streamed body ends with the connection
    boolean chunked = writeStream && head.protocolVersion().minorVersion() >= 1;
    if (writeStream && !chunked) {
      closeAfter = true;
    }
    HttpResponseStatus nettyStatus = HttpResponseStatus.valueOf(status);
    HttpResponse message;
    if (writeStream) {
      message = new DefaultHttpResponse(HttpVersion.HTTP_1_1, nettyStatus);
    } else {
      byte[] bytes = ResponseBodies.body(response);
      message = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, nettyStatus,
          noBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
      if (!streamed && status != 204 && status != 304) {
        message.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length); // for HEAD too: what GET would send
      }
    }
    HttpHeaders headers = message.headers();
    for (Map.Entry<String, String> header : response.headers()) {
      headers.add(header.getKey(), header.getValue());
    }
    if (!headers.contains(HttpHeaderNames.DATE)) {
      headers.set(HttpHeaderNames.DATE, HttpDate.now());
    }
    if (chunked) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (closeAfter) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!head.protocolVersion().isKeepAliveDefault()) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    if (writeStream) {
      startSendWatch();
      ctx.write(message);
      download = new ResponseBodySubscriber(ctx, this);
      response.stream().get().subscribe(download);
    } else {
      ChannelFuture write = ctx.writeAndFlush(message);
      write.addListener(written -> bodyWritten(written.isSuccess()));
      if (!write.isDone()) {
        startSendWatch(); // the socket did not take it all at once; most small responses need no timer
      }
      if (streamed) {
        LOG.debug("{}: streamed body not sent (HEAD, 204 or 304); its publisher is not subscribed", this);
      }
    }
  }

  @Override
  public void bodyWritten(boolean written) {
    if (phase == Phase.DONE) {
      return;
    }
    phase = Phase.DONE;
    stopSendWatch();
    if (written) {
      long now = System.nanoTime();
      server.metrics.responded(status, now - startNanos, now,
          match != null && match.route != null ? match.route.metrics() : null);
    } else {
      server.metrics.aborted();
    }
    releaseAdmission(); // after counting the outcome: whoever sees inFlight fall sees the response counted
    if (upload != null && !bodyComplete) {
      upload.fail(new IOException("the response was sent before the request body was read; the rest is discarded"));
    }
    connection.exchangeDone(written && !closeAfter && bodyComplete, !bodyComplete);
  }

  @Override
  public void bodyFailed(Throwable failure) {
    LOG.error("the response body publisher of {} failed after the response had started; closing the connection, "
        + "so the client sees a truncated body", this, failure);
    closeAfter = true;
    bodyWritten(false);
  }

  @Override
  public void sendStalled(boolean clientNotReading) {
    if (phase != Phase.RESPONDING) {
      return;
    }
    server.metrics.sendTimedOut();
    long millis = TimeUnit.NANOSECONDS.toMillis(server.settings.sendTimeoutNanos());
    server.sendTimeoutLog.occurred(clientNotReading
        ? "closed the connection of {}: the client took no byte of the response for sendTimeout (" + millis
            + " ms); a client that stops reading would otherwise hold its connection and permit forever"
        : "closed the connection of {}: the response's publisher produced nothing for sendTimeout (" + millis
            + " ms); raise sendTimeout for long-lived streams, or send something more often", this);
    ctx.close(); // channelInactive aborts this exchange: the publisher is cancelled, the permit freed
  }

  private void startSendWatch() {
    sendWatch = new SendWatch(ctx, server.settings.sendTimeoutNanos(), this);
    sendWatch.start();
  }

  private void stopSendWatch() {
    if (sendWatch != null) {
      sendWatch.stop();
      sendWatch = null;
    }
  }

  /** The connection's writability changed. */
  void writabilityChanged() {
    if (download != null) {
      download.writabilityChanged();
    }
  }

  /** The connection closed before this exchange finished: stop everything it started. */
  void abort() {
    if (phase == Phase.DONE) {
      return;
    }
    Phase was = phase;
    phase = Phase.DONE;
    cancelAdmissionRetry();
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (upload != null) {
      upload.fail(new IOException("the connection closed before the request body was read"));
    }
    stopSendWatch();
    if (download != null) {
      download.cancel();
    }
    if (was == Phase.HANDLING) {
      cancel(handlerResult);
    }
    server.metrics.aborted(); // before the release, as in bodyWritten
    releaseAdmission();
  }

  /**
   * Gives the adaptive limit its sample: the time from admission to the handler's answer (not the
   * writing of the response, which a slow client would lengthen), and how it ended.
   */
  private void endHandling(Outcome outcome) {
    if (adaptivePermit != null) {
      adaptivePermit.release(outcome);
      adaptivePermit = null;
    }
  }

  /** Returns the permit and the body's memory; each exactly once, whichever of finish and abort comes first. */
  private void releaseAdmission() {
    endHandling(Outcome.IGNORED); // ended before its handler answered: a malformed body, an abort
    if (body != null) {
      body.release();
      body = null;
    }
    if (admitted) {
      admitted = false;
      server.releaseAdmission();
    }
  }

  /**
   * The path of a request target: origin form ({@code /a/b?q}) or absolute form
   * ({@code http://host/a/b?q}); {@code null} for anything else.
   */
  private static String rawPath(String uri) {
    if (uri.startsWith("/")) {
      int end = uri.length();
      int query = uri.indexOf('?');
      if (query >= 0) {
        end = query;
      }
      int fragment = uri.indexOf('#');
      if (fragment >= 0 && fragment < end) {
        end = fragment;
      }
      return uri.substring(0, end);
    }
    if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
      try {
        String rawPath = new URI(uri).getRawPath();
        return rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
      } catch (URISyntaxException malformed) {
        return null;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return head.method() + " " + (path != null ? path : head.uri());
  }
}
