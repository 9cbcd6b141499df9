package dev.weft.http.testing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a streamed response body one buffer at a time, hashing it (SHA-256). With a stall size, it
 * stops requesting after each {@code stallEvery} bytes and leaves it to the test to {@link #resume()},
 * so the test can look at memory while the server has more to send.
 */
public final class BodyCollector implements Flow.Subscriber<ByteBuffer> {
  public final CompletableFuture<byte[]> digest = new CompletableFuture<>();
  public final AtomicLong received = new AtomicLong();
  public final CompletableFuture<Void> subscribed = new CompletableFuture<>();
  private final long stallEvery;
  private final MessageDigest sha;
  private volatile Flow.Subscription subscription;
  private volatile CompletableFuture<Long> stalled = new CompletableFuture<>();
  private long nextStall;

  public BodyCollector(long stallEvery) {
    this.stallEvery = stallEvery;
    this.nextStall = stallEvery;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscribed.complete(null);
    subscription.request(1);
  }

  @Override
  public void onNext(ByteBuffer item) {
    long total = received.addAndGet(item.remaining());
    sha.update(item);
    if (stallEvery > 0 && total >= nextStall) {
      nextStall += stallEvery;
      stalled.complete(total);
      return; // no request: the test resumes us
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable failure) {
    digest.completeExceptionally(failure);
    stalled.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    digest.complete(sha.digest());
    stalled.complete(-1L);
  }

  /** The next stall (bytes received), or -1 once complete. */
  public CompletableFuture<Long> stalled() {
    return stalled;
  }

  public void resume() {
    CompletableFuture<Long> next = new CompletableFuture<>();
    stalled = next;
    if (digest.isDone()) {
      next.complete(-1L); // it completed while stalled: onComplete needs no demand
    }
    subscription.request(1);
  }

  public void cancel() {
    subscription.cancel();
  }

  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
