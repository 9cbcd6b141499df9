package dev.weft.http.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * The body of a streaming response as a publisher with back-pressure. Confined to the connection's
 * loop: subscribe, request and cancel hop there from other threads, and every signal is sent from
 * there, one at a time.
 *
 * <p>Back-pressure: bytes the subscriber has not asked for wait in {@code buffered}, and while any
 * wait the connection stops reading, so the buffer holds at most what one socket read decoded.
 */
final class StreamedBody implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
  private static final Flow.Subscription NONE = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };

  private final ClientExchange exchange;
  private final ClientConnection connection;
  private final EventLoop loop;
  private final ArrayDeque<ByteBuffer> buffered = new ArrayDeque<>();
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private boolean subscribed;
  private long demand;
  private boolean complete;
  private Throwable error;
  private boolean terminated; // a terminal signal was sent, or the subscriber cancelled
  private boolean draining;
  private boolean abandoned; // closed by its owner

  StreamedBody(ClientExchange exchange, ClientConnection connection) {
    this.exchange = exchange;
    this.connection = connection;
    this.loop = connection.channel().eventLoop();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> candidate) {
    Objects.requireNonNull(candidate, "subscriber");
    boolean queued = OnLoop.run(loop, () -> {
      if (subscribed) {
        candidate.onSubscribe(NONE);
        candidate.onError(new IllegalStateException(abandoned ? "the response was closed before its body was read"
            : "a response body can be subscribed to once"));
        return;
      }
      subscribed = true;
      subscriber = candidate;
      try {
        candidate.onSubscribe(this);
      } catch (Throwable broken) {
        giveUp(broken); // rule 2.13: a throwing subscriber is treated as cancelled
        return;
      }
      drain();
    });
    if (!queued) { // rule 1.9: onSubscribe comes first, even when the runtime is gone
      candidate.onSubscribe(NONE);
      candidate.onError(new IllegalStateException("the runtime shut down; the response body is gone"));
    }
  }

  @Override
  public void request(long n) {
    OnLoop.run(loop, () -> {
      if (terminated) {
        return;
      }
      if (n <= 0) {
        error = new IllegalArgumentException("Subscription.request needs n > 0 (was " + n + "), rule 3.9");
        buffered.clear();
        exchange.abandonBody();
        drain();
        return;
      }
      if (demand == 0) {
        exchange.consumerAsked();
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      drain();
    });
  }

  @Override
  public void cancel() {
    OnLoop.run(loop, () -> {
      if (!terminated) {
        terminated = true;
        subscriber = null;
        buffered.clear();
        exchange.abandonBody();
      }
    });
  }

  /** Whether the subscriber waits for bytes the server has not sent yet. */
  boolean isWaitingForServer() {
    return subscriber != null && !terminated && !complete && demand > 0 && buffered.isEmpty();
  }

  /** The response is given up by its owner: like a cancel, also before anyone subscribed. */
  void abandon() {
    OnLoop.run(loop, () -> {
      abandoned = true;
      subscribed = true;
      if (!terminated) {
        terminated = true;
        subscriber = null;
        buffered.clear();
        exchange.abandonBody();
      }
    });
  }

  void onData(ByteBuf content) {
    if (terminated || !content.isReadable()) {
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(content.readableBytes());
    content.getBytes(content.readerIndex(), copy);
    copy.flip();
    buffered.add(copy);
    drain();
  }

  void onEnd() {
    complete = true;
    drain();
  }

  void onError(Throwable failure) {
    if (error == null) {
      error = failure;
    }
    buffered.clear();
    drain();
  }

  private void drain() {
    if (draining) {
      return; // a signal is being sent further up this stack: it will loop again
    }
    draining = true;
    try {
      while (!terminated && subscriber != null) {
        if (error != null) {
          terminated = true;
          subscriber.onError(error);
        } else if (demand > 0 && !buffered.isEmpty()) {
          demand--;
          subscriber.onNext(buffered.poll());
        } else if (complete && buffered.isEmpty()) {
          terminated = true;
          subscriber.onComplete();
        } else {
          break;
        }
      }
    } catch (Throwable broken) {
      giveUp(broken);
    } finally {
      draining = false;
    }
    if (!terminated && !complete) {
      if (buffered.isEmpty()) {
        connection.resumeReading();
      } else {
        connection.pauseReading();
      }
    }
  }

  /** A subscriber must not throw (rule 2.13): treat it as a cancellation, and report it. */
  private void giveUp(Throwable broken) {
    terminated = true;
    subscriber = null;
    buffered.clear();
    exchange.abandonBody();
    exchange.pool.client().reportUnhandled("a streaming response body's subscriber threw", broken);
  }
}
