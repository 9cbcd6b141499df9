package dev.weft.internal.future;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code CompletableFuture} view of a Weft future: a blocking wait on it from a loop thread is
 * refused at once, as {@code Future.join()} refuses it, instead of stalling the loop (and
 * deadlocking it when the loop is the one that would complete the future). Waits on a future that
 * is already complete return as usual, and stages derived from this one are guarded the same way.
 */
final class LoopSafeCompletableFuture<T> extends CompletableFuture<T> {

  @Override
  public T get() throws InterruptedException, ExecutionException {
    refuseIfItWouldBlockALoop("get()");
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    refuseIfItWouldBlockALoop("get(timeout, unit)");
    return super.get(timeout, unit);
  }

  @Override
  public T join() {
    refuseIfItWouldBlockALoop("join()");
    return super.join();
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new LoopSafeCompletableFuture<>();
  }

  private void refuseIfItWouldBlockALoop(String method) {
    if (!isDone()) {
      DefaultPromise.checkNotOnLoop("toCompletableFuture()." + method);
    }
  }
}
