package dev.weft.jdbc;

import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A subscriber that records every signal and checks the Reactive Streams rules a publisher owes it:
 * onSubscribe first, serial signals, no onNext beyond demand, nothing after a terminal signal.
 */
final class RecordingSubscriber<T> implements Flow.Subscriber<T> {
  final List<T> items = Collections.synchronizedList(new ArrayList<>());
  final List<String> signals = Collections.synchronizedList(new ArrayList<>());
  final Set<String> threads = ConcurrentHashMap.newKeySet();
  final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  final CompletableFuture<Throwable> terminated = new CompletableFuture<>(); // null: completed
  private final long initialRequest;
  private final AtomicLong requested = new AtomicLong();
  private final AtomicBoolean inSignal = new AtomicBoolean();
  private volatile Flow.Subscription subscription;
  volatile BiConsumer<RecordingSubscriber<T>, T> onNextAction = (self, item) -> {};
  volatile Runnable onTerminalAction = () -> {};

  RecordingSubscriber(long initialRequest) {
    this.initialRequest = initialRequest;
  }

  void request(long n) {
    if (n > 0) {
      requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    }
    subscription.request(n);
  }

  void cancel() {
    subscription.cancel();
  }

  void awaitItems(int count) {
    Polling.await(count + " items", Duration.ofSeconds(10), () -> items.size() >= count || terminated.isDone());
  }

  Throwable awaitError() throws Exception {
    Throwable failure = terminated.get(10, TimeUnit.SECONDS);
    if (failure == null) {
      throw new AssertionError("expected onError, got onComplete after " + items.size() + " items");
    }
    return failure;
  }

  void awaitComplete() throws Exception {
    Throwable failure = terminated.get(30, TimeUnit.SECONDS);
    if (failure != null) {
      throw new AssertionError("expected onComplete, got onError", failure);
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    enter("onSubscribe");
    if (!signals.isEmpty()) {
      violations.add("onSubscribe after " + signals);
    }
    this.subscription = subscription;
    signals.add("onSubscribe");
    exit();
    if (initialRequest != 0) {
      request(initialRequest);
    }
  }

  @Override
  public void onNext(T item) {
    enter("onNext");
    signals.add("onNext");
    items.add(item);
    if (items.size() > requested.get()) {
      violations.add("onNext #" + items.size() + " beyond the " + requested.get() + " requested");
    }
    exit();
    onNextAction.accept(this, item);
  }

  @Override
  public void onError(Throwable failure) {
    enter("onError");
    signals.add("onError");
    exit();
    onTerminalAction.run();
    terminated.complete(failure);
  }

  @Override
  public void onComplete() {
    enter("onComplete");
    signals.add("onComplete");
    exit();
    onTerminalAction.run();
    terminated.complete(null);
  }

  private void enter(String signal) {
    threads.add(Thread.currentThread().getName());
    if (!inSignal.compareAndSet(false, true)) {
      violations.add(signal + " while another signal was running");
    }
    if (terminated.isDone()) {
      violations.add(signal + " after the terminal signal");
    }
  }

  private void exit() {
    inSignal.set(false);
  }
}
