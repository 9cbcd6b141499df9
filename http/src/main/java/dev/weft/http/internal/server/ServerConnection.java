package dev.weft.http.internal.server;

import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/*
 * Overview: one HTTP/1.1 connection, confined to its channel's loop (every method runs there,
 * except drainForShutdown, which hands itself to the loop).
 *
 * Requests are served one at a time: while an exchange is busy, decoded messages of the next
 * (pipelined) requests wait in `backlog` and reads pause, so the backlog never holds more than
 * one read's worth; when the exchange ends, the backlog is replayed. Responses therefore leave in
 * request order without any reordering buffer.
 *
 * Reads are paused for two independent reasons — a busy exchange with a backlog, and a
 * streaming body whose consumer is behind — and resume only when neither holds.
 *
 * The idle timer runs whenever no exchange is in progress, and is not reset by bytes that do not
 * complete a request head: a client that trickles headers (slowloris) is closed like an idle one.
 */

/** The server's handler of one connection: sequencing, read gating, idle timeout, closing. */
final class ServerConnection extends ChannelInboundHandlerAdapter implements RequestBodyPublisher.ReadGate {
  private static final Logger LOG = ServerState.log();
  private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final ServerState server;
  private ChannelHandlerContext ctx;
  private LoopImpl loop;
  private ServerExchange exchange; // the request being served, or null between requests
  private final ArrayDeque<HttpObject> backlog = new ArrayDeque<>(); // pipelined messages waiting for the exchange
  private ScheduledFuture<?> idleTimer; // runs while exchange == null
  private boolean closing; // the server is shutting down: close after the current exchange
  private boolean discarding; // output is shut: drop all input until the client closes or the linger ends
  private boolean pausedForBacklog;
  private boolean pausedForBody;

  ServerConnection(ServerState server) {
    this.server = server;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.loop = LoopThread.currentLoop();
    if (loop == null) {
      throw new IllegalStateException("HTTP connection registered off Weft's loops: " + ctx.channel());
    }
    if (!server.connectionOpened(this)) {
      ctx.close();
      return;
    }
    startIdleTimer();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding || !(msg instanceof HttpObject) || !ctx.channel().isActive()) {
      // closed, or closing: the decoder still hands over what it decoded from the last read, and a
      // request taken now would run its handler for a response that can never be written
      ReferenceCountUtil.release(msg);
      return;
    }
    HttpObject message = (HttpObject) msg;
    if (!backlog.isEmpty() || !canTake(message)) {
      backlog.add(message);
      setPausedForBacklog(true);
      return;
    }
    take(message);
  }

  private boolean canTake(HttpObject message) {
    if (exchange == null) {
      return true;
    }
    return exchange.acceptsContent() && message instanceof HttpContent && !(message instanceof HttpRequest);
  }

  private void take(HttpObject message) {
    if (exchange != null) {
      exchange.onContent((HttpContent) message);
      return;
    }
    if (!(message instanceof HttpRequest)) {
      // content of a request whose exchange has ended (answered before its body arrived): the
      // connection is closing anyway
      ReferenceCountUtil.release(message);
      return;
    }
    cancelIdleTimer();
    ServerExchange started = new ServerExchange(this, ctx, server, (HttpRequest) message);
    exchange = started;
    try {
      started.start();
    } catch (RuntimeException unexpected) {
      LOG.error("unexpected failure serving {}; closing the connection", started, unexpected);
      ctx.close();
    }
    if (message instanceof HttpContent && exchange == started && started.acceptsContent()) {
      started.onContent((HttpContent) message); // a whole request in one message: its body; released there
    } else {
      ReferenceCountUtil.release(message);
    }
  }

  /** The current exchange has written its response (or failed to). */
  void exchangeDone(boolean keepAlive, boolean bodyUnread) {
    exchange = null;
    if (!keepAlive || closing) {
      if (bodyUnread) {
        lingeringClose();
      } else {
        ctx.close();
      }
      return;
    }
    while (!backlog.isEmpty() && canTake(backlog.peek())) {
      take(backlog.poll());
    }
    if (backlog.isEmpty()) {
      setPausedForBacklog(false);
    }
    if (exchange == null && ctx.channel().isActive()) {
      startIdleTimer();
    }
  }

  /**
   * Closes after a response sent before the request body was read: shuts the output (the client
   * sees the end of the response), then reads and drops input for a while before closing. Closing
   * at once, with unread input, would make the kernel send a reset that can destroy the response
   * before the client reads it.
   */
  private void lingeringClose() {
    discarding = true;
    releaseBacklog();
    pausedForBacklog = false;
    pausedForBody = false;
    ctx.channel().config().setAutoRead(true);
    if (ctx.channel() instanceof SocketChannel) {
      ((SocketChannel) ctx.channel()).shutdownOutput();
    }
    ctx.executor().schedule(() -> {
      ctx.close();
    }, LINGER_NANOS, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelIdleTimer();
    if (exchange != null) {
      ServerExchange aborted = exchange;
      exchange = null;
      aborted.abort();
    }
    releaseBacklog();
    server.connectionClosed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("connection {} failed: {}", ctx.channel(), cause.toString());
    } else {
      LOG.warn("unexpected failure on connection {}; closing it", ctx.channel(), cause);
    }
    ctx.close();
  }

  @Override
  public void pauseReadsForBody(boolean paused) {
    pausedForBody = paused;
    updateAutoRead();
  }

  private void setPausedForBacklog(boolean paused) {
    if (pausedForBacklog != paused) {
      pausedForBacklog = paused;
      updateAutoRead();
    }
  }

  private void updateAutoRead() {
    boolean read = discarding || !(pausedForBacklog || pausedForBody);
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read); // turning it on also starts a read
    }
  }

  /** Starts the graceful close of this connection for the server's shutdown; safe from any thread. */
  void drainForShutdown() {
    ctx.executor().execute(() -> {
      closing = true;
      if (exchange == null) {
        ctx.close();
      }
    });
  }

  /** Closes now, aborting the exchange in progress; safe from any thread. */
  void forceClose() {
    ctx.channel().close();
  }

  boolean closing() {
    return closing;
  }

  LoopImpl loop() {
    return loop;
  }

  private void startIdleTimer() {
    cancelIdleTimer();
    idleTimer = ctx.executor().schedule(this::idleTimedOut, server.settings.idleTimeoutNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  private void idleTimedOut() {
    idleTimer = null;
    if (exchange == null) {
      LOG.debug("closing connection {}: no complete request within the idle timeout", ctx.channel());
      ctx.close();
    }
  }

  private void releaseBacklog() {
    HttpObject message;
    while ((message = backlog.poll()) != null) {
      ReferenceCountUtil.release(message);
    }
  }
}
