package dev.weft.benchmarks.futures;

import dev.weft.AsyncRuntime;
import dev.weft.AsyncRuntimeBuilder;
import dev.weft.Loop;
import dev.weft.benchmarks.adapters.BatchSignal;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.Blackhole;

/*
 * Overview: one batch of operations, run inside a single task on the loop. Operations that finish
 * synchronously are consumed at once; one that finishes later (a Weft callback deferred to the
 * loop's next task, past the inline depth bound) is counted in `pending` and consumed by its
 * callback, and the batch ends when the body has returned and nothing is pending. Fields are
 * touched only on the loop thread.
 */

/**
 * Runs a batch of future operations on a Weft loop and waits for it: the JMH thread pays one loop
 * hop per batch, and every operation, Weft's or CompletableFuture's, runs on the loop thread. Weft
 * callbacks run on their home loop, so operations run there anyway; CompletableFuture's run on the
 * same thread for a like-for-like comparison.
 */
final class LoopBatch implements BiConsumer<Object, Throwable> {
  private final AsyncRuntime runtime;
  private final Loop loop;
  private final BatchSignal signal = new BatchSignal();
  private Blackhole blackhole;
  private int pending; // operations not finished yet
  private boolean bodyDone; // the body has returned

  LoopBatch() {
    this(false);
  }

  /**
   * A batch runner whose runtime drops unhandled failures instead of logging them, if
   * {@code quietFailures}: for benchmarks that leave failures unobserved on purpose.
   */
  LoopBatch(boolean quietFailures) {
    AsyncRuntimeBuilder builder = AsyncRuntime.builder().name("bench").loops(1);
    if (quietFailures) {
      builder.unhandledFailureHandler((description, failure) -> { });
    }
    this.runtime = builder.build();
    this.loop = runtime.loops().get(0);
  }

  Loop loop() {
    return loop;
  }

  /**
   * Runs {@code body} on the loop and waits until it and every operation it handed to
   * {@link #consume} have finished.
   */
  void run(Blackhole blackhole, Consumer<LoopBatch> body) {
    this.blackhole = blackhole;
    signal.arm();
    loop.execute(() -> {
      pending = 0;
      bodyDone = false;
      try {
        body.accept(this);
      } catch (Throwable failure) {
        signal.fail(failure);
        return;
      }
      bodyDone = true;
      if (pending == 0) {
        signal.signal();
      }
    });
    signal.await();
  }

  /** Consumes the result of a Weft operation, now or when it arrives. */
  void consume(Future<?> future) {
    if (future.isDone()) {
      blackhole.consume(future.resultNow());
    } else {
      pending++;
      future.onComplete(this);
    }
  }

  /** Consumes the result of a CompletableFuture operation, now or when it arrives. */
  void consume(CompletableFuture<?> future) {
    if (future.isDone()) {
      blackhole.consume(future.join());
    } else {
      pending++;
      future.whenComplete(this);
    }
  }

  @Override
  public void accept(Object value, Throwable failure) {
    if (failure != null) {
      signal.fail(failure);
      return;
    }
    blackhole.consume(value);
    if (--pending == 0 && bodyDone) {
      signal.signal();
    }
  }

  void close() {
    runtime.shutdown(Duration.ofSeconds(5));
  }
}
