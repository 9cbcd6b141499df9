package dev.weft.http.internal.server;

import dev.weft.internal.WeftLoggers;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/*
 * Overview: the body of a streaming request as a Flow.Publisher. All state is confined to the
 * connection's loop: the connection feeds content in (onContent/onEnd/fail), and the subscriber's
 * request/cancel calls, which may come from any thread, are handed to the loop first. Signals to
 * the subscriber are therefore serial, on the loop, as Reactive Streams requires.
 *
 * Content is copied into heap ByteBuffers the subscriber owns, and the Netty buffer is released at
 * once, so no pooled memory outlives a read. Memory is bounded by pausing the channel's reads
 * while `queuedBytes` >= highWater and resuming below half of it; a read already in progress still
 * delivers its bytes, so the bound is highWater plus one read (64 KiB at most with Netty's default
 * receive allocator).
 */

/** A streaming request's body, published with back-pressure on the connection's loop. */
final class RequestBodyPublisher implements Flow.Publisher<ByteBuffer> {
  private static final Logger LOG = WeftLoggers.get(RequestBodyPublisher.class);

  /** Pauses and resumes the connection's reads. */
  interface ReadGate {
    void pauseReadsForBody(boolean paused);
  }

  private final EventExecutor loop;
  private final ReadGate reads;
  private final int highWater;
  private final AtomicBoolean subscribed = new AtomicBoolean(); // one subscriber, ever
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(); // loop-confined
  private long queuedBytes; // the bytes in queue
  private Flow.Subscriber<? super ByteBuffer> subscriber; // set on the loop once subscribed
  private long demand; // requested and not yet delivered; saturates at Long.MAX_VALUE
  private boolean ended; // the last byte has arrived
  private Throwable failure; // the body cannot complete: the connection failed
  private boolean terminated; // onComplete or onError was signalled, or the subscriber cancelled
  private boolean delivering; // guards against re-entry from request() inside onNext
  private boolean paused; // whether this publisher asked the connection to stop reading

  RequestBodyPublisher(EventExecutor loop, ReadGate reads, int highWater) {
    this.loop = loop;
    this.reads = reads;
    this.highWater = highWater;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> newSubscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      newSubscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      newSubscriber.onError(new IllegalStateException("a request body can be subscribed to only once"));
      return;
    }
    onLoop(() -> {
      subscriber = newSubscriber;
      try {
        newSubscriber.onSubscribe(new Subscription());
      } catch (Throwable thrown) {
        subscriberThrew(thrown);
        return;
      }
      deliver();
    });
  }

  /** A piece of the body; copied, so the caller keeps ownership of {@code content}. */
  void onContent(ByteBuf content) {
    if (terminated || failure != null || !content.isReadable()) {
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(content.readableBytes());
    content.getBytes(content.readerIndex(), copy);
    copy.flip();
    queue.add(copy);
    queuedBytes += copy.remaining();
    deliver();
  }

  void onEnd() {
    ended = true;
    deliver();
  }

  /** The body cannot complete; {@code cause} reaches the subscriber once the buffered bytes are out. */
  void fail(Throwable cause) {
    if (!ended && failure == null) {
      failure = cause;
      deliver();
    }
  }

  /** Whether the subscriber gave up on the body (cancelled, or threw): the rest can be discarded. */
  boolean abandoned() {
    return terminated && !ended;
  }

  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (subscriber != null && !terminated && demand > 0 && !queue.isEmpty()) {
        ByteBuffer next = queue.poll();
        queuedBytes -= next.remaining();
        demand--;
        try {
          subscriber.onNext(next);
        } catch (Throwable thrown) {
          subscriberThrew(thrown);
        }
      }
      if (subscriber != null && !terminated && queue.isEmpty() && (ended || failure != null)) {
        terminated = true;
        try {
          if (failure != null) {
            subscriber.onError(failure);
          } else {
            subscriber.onComplete();
          }
        } catch (Throwable thrown) {
          LOG.warn("the subscriber of a request body threw from its completion signal", thrown);
        }
      }
    } finally {
      delivering = false;
    }
    updateReadGate();
  }

  private void updateReadGate() {
    boolean shouldPause = !terminated && !ended && queuedBytes >= highWater;
    boolean shouldResume = terminated || ended || queuedBytes < highWater / 2;
    if (!paused && shouldPause) {
      paused = true;
      reads.pauseReadsForBody(true);
    } else if (paused && shouldResume) {
      paused = false;
      reads.pauseReadsForBody(false);
    }
  }

  private void subscriberThrew(Throwable thrown) {
    // Reactive Streams rule 2.13: a subscriber must not throw; treat it as a cancellation
    LOG.warn("the subscriber of a request body threw; the rest of the body is discarded", thrown);
    terminated = true;
    queue.clear();
    queuedBytes = 0;
  }

  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException loopStopped) {
        LOG.debug("a request body signal arrived after its loop stopped; dropped");
      }
    }
  }

  /** The subscriber's side; thread-safe, since each call is handed to the loop. */
  private final class Subscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      onLoop(() -> {
        if (terminated) {
          return;
        }
        if (n <= 0) {
          terminated = true;
          queue.clear();
          queuedBytes = 0;
          subscriber.onError(new IllegalArgumentException("request(n) needs n > 0 (was " + n
              + "), Reactive Streams rule 3.9"));
          updateReadGate();
          return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        deliver();
      });
    }

    @Override
    public void cancel() {
      onLoop(() -> {
        if (!terminated) {
          terminated = true;
          queue.clear();
          queuedBytes = 0;
          updateReadGate();
        }
      });
    }
  }
}
