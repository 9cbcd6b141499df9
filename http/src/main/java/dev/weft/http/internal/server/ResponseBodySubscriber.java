package dev.weft.http.internal.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/*
 * Overview: writes a streaming response body as HTTP chunks. Signals from the publisher may come
 * from any thread; each is handed to the connection's loop, where all state lives. At most one
 * buffer is requested at a time, and the next one only while the channel is writable (below
 * Netty's write-buffer high-water mark), so a slow client slows the publisher instead of piling
 * up chunks in the outbound buffer. `done` turns true once: on completion, failure, or cancel.
 */

/** Subscribes to a response's publisher and writes what it publishes, chunked, to the channel. */
final class ResponseBodySubscriber implements Flow.Subscriber<ByteBuffer> {

  /** Told how the body ended. */
  interface Outcome {
    /** The last chunk was written (or failed to be: {@code written} false). */
    void bodyWritten(boolean written);

    /** The publisher failed mid-body; the connection must close. */
    void bodyFailed(Throwable failure);
  }

  private final ChannelHandlerContext ctx;
  private final Outcome outcome;
  private Flow.Subscription subscription; // loop-confined, like everything below
  private boolean awaitingNext; // one buffer requested and not yet received
  private boolean done;
  private boolean requesting; // inside subscription.request(): a synchronous publisher may call back
  private boolean moreWanted; // asked for more while requesting: loop instead of recursing

  ResponseBodySubscriber(ChannelHandlerContext ctx, Outcome outcome) {
    this.ctx = ctx;
    this.outcome = outcome;
  }

  @Override
  public void onSubscribe(Flow.Subscription newSubscription) {
    onLoop(() -> {
      if (done || subscription != null) {
        newSubscription.cancel();
        return;
      }
      subscription = newSubscription;
      requestMore();
    });
  }

  @Override
  public void onNext(ByteBuffer buffer) {
    onLoop(() -> {
      if (done) {
        return;
      }
      awaitingNext = false;
      if (!buffer.hasRemaining()) {
        requestMore();
        return;
      }
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(buffer))).addListener(write -> {
        if (!write.isSuccess()) {
          cancel();
          outcome.bodyWritten(false);
        }
      });
      requestMore();
    });
  }

  @Override
  public void onError(Throwable failure) {
    onLoop(() -> {
      if (!done) {
        done = true;
        outcome.bodyFailed(failure);
      }
    });
  }

  @Override
  public void onComplete() {
    onLoop(() -> {
      if (!done) {
        done = true;
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
            .addListener(write -> outcome.bodyWritten(write.isSuccess()));
      }
    });
  }

  /** The channel's writability changed: resume requesting if it can take more. */
  void writabilityChanged() {
    requestMore();
  }

  /** Stops the body: the connection closed or the exchange was aborted. Call on the loop. */
  void cancel() {
    if (!done) {
      done = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }

  private void requestMore() {
    if (requesting) {
      moreWanted = true;
      return;
    }
    requesting = true;
    try {
      do {
        moreWanted = false;
        if (!done && subscription != null && !awaitingNext && ctx.channel().isWritable()) {
          awaitingNext = true;
          subscription.request(1);
        }
      } while (moreWanted);
    } finally {
      requesting = false;
    }
  }

  private void onLoop(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      try {
        ctx.executor().execute(task);
      } catch (RejectedExecutionException loopStopped) {
        // the runtime is gone, and the connection with it: nothing left to write to
      }
    }
  }
}
