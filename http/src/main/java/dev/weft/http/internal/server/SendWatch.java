package dev.weft.http.internal.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/*
 * Overview: bounds the RESPONDING state of an exchange (sendTimeout). Confined to the connection's
 * loop. While a response is being sent, a check runs every quarter of the timeout and compares the
 * channel's outbound buffer with what it saw last: the message at its head, how far that message
 * has been written, and the bytes pending. Any change means bytes moved (the client took some, or
 * the handler's publisher produced more) and restarts the clock; a full timeout without a change
 * calls `stalled` once, telling it whether bytes were waiting for the client (a reader that stopped
 * reading) or none were (a publisher that stopped producing). Measuring between movements, like
 * nginx's send_timeout, never cuts off a slow client that keeps reading.
 */

/** Watches a response being sent, and reports when nothing of it has moved for the send timeout. */
final class SendWatch {

  /** Told once when the response stopped moving. */
  interface Stalled {
    /** @param clientNotReading whether bytes were waiting for the client (else the publisher was silent) */
    void sendStalled(boolean clientNotReading);
  }

  private final ChannelHandlerContext ctx;
  private final long timeoutNanos;
  private final long periodNanos;
  private final Stalled stalled;
  private ScheduledFuture<?> check; // the next check; null once stopped
  private Object lastHead; // the outbound buffer's current message at the last change
  private long lastProgress;
  private long lastPending;
  private long lastMovedNanos;

  SendWatch(ChannelHandlerContext ctx, long timeoutNanos, Stalled stalled) {
    this.ctx = ctx;
    this.timeoutNanos = timeoutNanos;
    this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), timeoutNanos / 4);
    this.stalled = stalled;
  }

  void start() {
    lastMovedNanos = System.nanoTime();
    observeChange();
    check = ctx.executor().schedule(this::check, periodNanos, TimeUnit.NANOSECONDS);
  }

  void stop() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void check() {
    if (check == null) {
      return;
    }
    long now = System.nanoTime();
    if (observeChange()) {
      lastMovedNanos = now;
    } else if (now - lastMovedNanos >= timeoutNanos) {
      check = null;
      stalled.sendStalled(lastPending > 0);
      return;
    }
    long untilTimeout = timeoutNanos - (now - lastMovedNanos);
    check = ctx.executor().schedule(this::check, Math.max(1, Math.min(periodNanos, untilTimeout)), TimeUnit.NANOSECONDS);
  }

  /** @return whether the outbound buffer changed since the last call */
  private boolean observeChange() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    if (out == null) {
      return false; // closed: the exchange is being aborted
    }
    Object head = out.current();
    long progress = out.currentProgress();
    long pending = out.totalPendingWriteBytes();
    boolean changed = head != lastHead || progress != lastProgress || pending != lastPending;
    lastHead = head;
    lastProgress = progress;
    lastPending = pending;
    return changed;
  }
}
