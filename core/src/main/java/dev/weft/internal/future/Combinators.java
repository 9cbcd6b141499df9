package dev.weft.internal.future;

import dev.weft.future.Future;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** {@code Future.from}, {@code all} and {@code any}. */
public final class Combinators {
  private Combinators() {}

  public static <T> Future<T> from(CompletionStage<T> stage) {
    Objects.requireNonNull(stage, "stage");
    DefaultPromise<T> promise = DefaultPromise.homedHere();
    promise.onCancel(() -> {
      try {
        stage.toCompletableFuture().cancel(true);
      } catch (UnsupportedOperationException notCancellable) {
        // a stage without a CompletableFuture view cannot be cancelled; the promise still is
      }
    });
    stage.whenComplete((value, failure) -> {
      if (failure != null) {
        promise.fail(unwrap(failure));
      } else {
        promise.complete(value);
      }
    });
    return promise;
  }

  public static <T> Future<List<T>> all(List<? extends Future<? extends T>> futures) {
    List<Future<? extends T>> inputs = copyOf(futures);
    DefaultPromise<List<T>> target = new DefaultPromise<>(homeFor(inputs));
    if (inputs.isEmpty()) {
      target.complete(List.of());
      return target;
    }
    Object[] values = new Object[inputs.size()];
    AtomicInteger remaining = new AtomicInteger(inputs.size()); // its decrements publish `values`
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    for (int i = 0; i < inputs.size(); i++) {
      int index = i;
      Future<? extends T> input = inputs.get(i);
      target.cancelsUpstream(input);
      input.onComplete((value, failure) -> {
        if (failure != null) {
          if (firstFailure.compareAndSet(null, failure)) {
            target.fail(failure);
          } else {
            attachSuppressed(firstFailure.get(), failure);
          }
        } else {
          values[index] = value;
          if (remaining.decrementAndGet() == 0) {
            @SuppressWarnings("unchecked")
            List<T> results = (List<T>) Collections.unmodifiableList(Arrays.asList(values));
            target.complete(results);
          }
        }
      });
    }
    return target;
  }

  public static <T> Future<T> any(List<? extends Future<? extends T>> futures) {
    List<Future<? extends T>> inputs = copyOf(futures);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("any() needs at least one future (was an empty list)");
    }
    DefaultPromise<T> target = new DefaultPromise<>(homeFor(inputs));
    AtomicInteger failuresLeft = new AtomicInteger(inputs.size());
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    for (Future<? extends T> input : inputs) {
      target.cancelsUpstream(input);
      input.onComplete((value, failure) -> {
        if (failure == null) {
          if (target.complete(value)) {
            inputs.forEach(Future::cancel); // the race is won: the others' work is no longer needed
          }
          return;
        }
        if (!firstFailure.compareAndSet(null, failure)) {
          attachSuppressed(firstFailure.get(), failure);
        }
        if (failuresLeft.decrementAndGet() == 0) {
          target.fail(firstFailure.get());
        }
      });
    }
    return target;
  }

  private static void attachSuppressed(Throwable first, Throwable later) {
    if (later == first || later instanceof CancellationException) {
      return;
    }
    // a task group may attach the same failure to `first` too: attach each failure once
    synchronized (first) {
      for (Throwable already : first.getSuppressed()) {
        if (already == later) {
          return;
        }
      }
      first.addSuppressed(later);
    }
  }

  private static <T> List<Future<? extends T>> copyOf(List<? extends Future<? extends T>> futures) {
    Objects.requireNonNull(futures, "futures");
    List<Future<? extends T>> copy = new ArrayList<>(futures.size());
    for (Future<? extends T> future : futures) {
      copy.add(Objects.requireNonNull(future, "futures must not contain null"));
    }
    return copy;
  }

  private static LoopImpl homeFor(List<? extends Future<?>> inputs) {
    LoopImpl current = LoopThread.currentLoop();
    if (current != null) {
      return current;
    }
    if (!inputs.isEmpty() && inputs.get(0) instanceof DefaultPromise) {
      return ((DefaultPromise<?>) inputs.get(0)).homeLoop();
    }
    return DefaultPromise.homedHere().homeLoop();
  }

  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
