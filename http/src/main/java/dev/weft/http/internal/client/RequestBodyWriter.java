package dev.weft.http.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes a streamed request body: asks the publisher for one buffer at a time, and only while the
 * channel is writable, so a fast publisher never fills memory ahead of a slow socket. Signals may
 * come from any thread; they hop to the channel's loop, where all state lives.
 */
final class RequestBodyWriter implements Flow.Subscriber<ByteBuffer> {
  private static final int MAX_INLINE_REQUESTS = 16;

  private final ClientExchange exchange;
  private final Channel channel;
  private final long declaredLength; // -1: unknown, sent chunked
  private Flow.Subscription subscription;
  private long written;
  private boolean requested;
  private boolean done;
  private int requestsInline;

  RequestBodyWriter(ClientExchange exchange, Channel channel, long declaredLength) {
    this.exchange = exchange;
    this.channel = channel;
    this.declaredLength = declaredLength;
  }

  @Override
  public void onSubscribe(Flow.Subscription candidate) {
    Objects.requireNonNull(candidate, "subscription");
    OnLoop.run(channel.eventLoop(), () -> {
      if (done || subscription != null) {
        candidate.cancel();
        return;
      }
      subscription = candidate;
      requestMore();
    });
  }

  @Override
  public void onNext(ByteBuffer item) {
    Objects.requireNonNull(item, "item");
    ByteBuf copy = Unpooled.copiedBuffer(item); // the publisher may reuse its buffer once onNext returns
    boolean queued = OnLoop.run(channel.eventLoop(), () -> {
      requested = false;
      if (done) {
        copy.release();
        return;
      }
      written += copy.readableBytes();
      if (declaredLength >= 0 && written > declaredLength) {
        copy.release();
        fail(new IllegalStateException("the request body publisher emitted more than its declared contentLength of "
            + declaredLength + " bytes"));
        return;
      }
      channel.writeAndFlush(new DefaultHttpContent(copy), channel.voidPromise());
      requestMore();
    });
    if (!queued) {
      copy.release();
    }
  }

  @Override
  public void onError(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    OnLoop.run(channel.eventLoop(), () -> {
      if (!done) {
        done = true;
        exchange.requestBodyFailed(failure);
      }
    });
  }

  @Override
  public void onComplete() {
    OnLoop.run(channel.eventLoop(), () -> {
      if (done) {
        return;
      }
      done = true;
      if (declaredLength >= 0 && written != declaredLength) {
        exchange.requestBodyFailed(new IllegalStateException("the request body publisher completed after " + written
            + " bytes; its declared contentLength was " + declaredLength));
        return;
      }
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
      exchange.requestBodySent();
    });
  }

  void writabilityChanged() {
    requestMore();
  }

  /** The exchange ended: stop asking, and let the publisher know. */
  void stop() {
    if (!done) {
      done = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }

  private void fail(Throwable failure) {
    done = true;
    subscription.cancel();
    exchange.requestBodyFailed(failure);
  }

  private void requestMore() {
    if (done || requested || subscription == null || !channel.isWritable()) {
      return;
    }
    requested = true;
    if (++requestsInline < MAX_INLINE_REQUESTS) {
      subscription.request(1);
      return;
    }
    // A publisher that answers request() synchronously would otherwise keep this loop writing until
    // the socket buffer is full (megabytes on loopback): every few buffers, let the loop's other
    // work run first.
    requestsInline = 0;
    try {
      channel.eventLoop().execute(() -> {
        if (!done) {
          subscription.request(1);
        }
      });
    } catch (RejectedExecutionException shutDown) {
      // the runtime is stopping: the connection, and this request, go with it
    }
  }
}
