package dev.weft.http.testing;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Request-body publishers for the client's tests. */
public final class TestPublishers {
  private TestPublishers() {}

  /**
   * {@link GeneratedBytes}' first {@code length} bytes in buffers of {@code chunk} bytes, each made on
   * request, on the requesting thread: it emits only what was asked for. {@code emitted} counts bytes.
   */
  public static Flow.Publisher<ByteBuffer> generated(long length, int chunk, AtomicLong emitted, AtomicBoolean cancelled) {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private long position;
      private long demand;
      private boolean emitting;
      private boolean done;

      @Override
      public synchronized void request(long n) {
        demand += n;
        if (emitting) {
          return; // the loop below, further up this stack, sends it
        }
        emitting = true;
        while (demand > 0 && !done) {
          if (position >= length) {
            done = true;
            subscriber.onComplete();
            break;
          }
          int size = (int) Math.min(chunk, length - position);
          ByteBuffer buffer = GeneratedBytes.buffer(position, size);
          position += size;
          demand--;
          emitted.addAndGet(size);
          subscriber.onNext(buffer);
        }
        if (!done && position >= length) {
          done = true;
          subscriber.onComplete();
        }
        emitting = false;
      }

      @Override
      public synchronized void cancel() {
        done = true;
        cancelled.set(true);
      }
    });
  }

  /** A publisher that emits one buffer, then fails with {@code failure}. */
  public static Flow.Publisher<ByteBuffer> failing(RuntimeException failure) {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private boolean sent;

      @Override
      public synchronized void request(long n) {
        if (!sent) {
          sent = true;
          subscriber.onNext(ByteBuffer.wrap(new byte[] {1, 2, 3}));
          subscriber.onError(failure);
        }
      }

      @Override
      public void cancel() {}
    });
  }
}
