package dev.weft.internal.future;

import dev.weft.future.Future;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    AllOf<T> state = new AllOf<>(target, inputs.size());
    target.cancelsAllUpstream(inputs); // one hook for all the inputs
    for (int i = 0; i < inputs.size(); i++) {
      Future<? extends T> input = inputs.get(i);
      if (input instanceof DefaultPromise) {
        ((DefaultPromise<?>) input).addCompletion(new AllInput(state, i), true);
      } else {
        int index = i;
        input.onComplete((value, failure) -> state.settled(index, value, failure));
      }
    }
    return target;
  }

  /*
   * Overview: the shared state of one all(). Inputs may settle on different loops at once:
   * `remaining` (decremented by CAS) publishes each `values` slot written before the decrement to
   * the thread that takes it to zero, which completes the target; `firstFailure` is set once by
   * CAS, and later failures are attached to it as suppressed.
   */

  /** One all()'s values, count of inputs still to succeed, and first failure. */
  static final class AllOf<T> {
    private static final VarHandle REMAINING;
    private static final VarHandle FIRST_FAILURE;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        REMAINING = lookup.findVarHandle(AllOf.class, "remaining", int.class);
        FIRST_FAILURE = lookup.findVarHandle(AllOf.class, "firstFailure", Throwable.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final DefaultPromise<List<T>> target;
    private final Object[] values; // slot i: input i's value, written before its decrement of `remaining`
    private volatile int remaining; // inputs that have not succeeded yet
    private volatile Throwable firstFailure; // set once

    AllOf(DefaultPromise<List<T>> target, int inputs) {
      this.target = target;
      this.values = new Object[inputs];
      this.remaining = inputs;
    }

    void settled(int index, Object value, Throwable failure) {
      if (failure != null) {
        if (FIRST_FAILURE.compareAndSet(this, null, failure)) {
          target.fail(failure);
        } else {
          attachSuppressed(firstFailure, failure);
        }
        return;
      }
      values[index] = value;
      if ((int) REMAINING.getAndAdd(this, -1) == 1) {
        @SuppressWarnings("unchecked")
        List<T> results = (List<T>) Collections.unmodifiableList(Arrays.asList(values));
        target.complete(results);
      }
    }
  }

  /** Input {@code index} of an all(): one node, instead of a lambda, its listener node and a hook. */
  static final class AllInput extends Completion {
    private final AllOf<?> state;
    private final int index;

    AllInput(AllOf<?> state, int index) {
      this.state = state;
      this.index = index;
    }

    @Override
    void fire(Object raw) {
      if (raw instanceof Failure) {
        state.settled(index, null, ((Failure) raw).cause);
      } else {
        state.settled(index, Completions.value(raw), null);
      }
    }
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
