package dev.weft.internal.loop;

import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.internal.ForWeftModules;
import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.watchdog.LoopHealth;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Weft loop over one Netty {@link WeftEventLoop}.
 *
 * <p>Two ways in: the public methods check that the runtime still accepts work and guard user
 * tasks so that what they throw reaches the unhandled-failure handler; {@link #dispatch} is
 * Weft's own path (future completions, watchdog pings), which keeps working while the runtime
 * drains during shutdown, and runs the task on the calling thread once the loop has terminated,
 * so that no completion is ever lost.
 */
@ForWeftModules
public final class LoopImpl implements Loop {
  private final DefaultAsyncRuntime runtime;
  private final WeftEventLoop eventLoop;
  private final String name;
  private final LoopHealth health;

  LoopImpl(DefaultAsyncRuntime runtime, WeftEventLoop eventLoop, String name) {
    this.runtime = runtime;
    this.eventLoop = eventLoop;
    this.name = name;
    this.health = new LoopHealth(this);
    eventLoop.attach(this);
  }

  /**
   * The Weft loop behind {@code loop}: the checked way in to the internal layer.
   *
   * @param loop a loop of a runtime made by {@code AsyncRuntime.create()} or its builder
   * @param user what needs it, for the message
   * @return the loop as its implementation
   * @throws IllegalArgumentException if {@code loop} is another implementation
   */
  public static LoopImpl of(Loop loop, String user) {
    if (loop instanceof LoopImpl) {
      return (LoopImpl) loop;
    }
    throw new IllegalArgumentException(user + " needs a loop of a runtime made by AsyncRuntime.create() or its "
        + "builder (was " + (loop == null ? "null" : loop.getClass().getName()) + ")");
  }

  @Override
  public boolean inLoop() {
    return eventLoop.inEventLoop();
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    runtime.checkAccepting("execute a task on " + name);
    try {
      eventLoop.execute(new GuardedTask(task));
    } catch (RejectedExecutionException e) {
      throw runtime.rejected("execute a task on " + name);
    }
  }

  @Override
  public <T> Future<T> schedule(Duration delay, Callable<T> task) {
    Objects.requireNonNull(task, "task");
    long nanos = checkDelay(delay);
    runtime.checkAccepting("schedule a task on " + name);
    long scheduledAt = System.nanoTime();
    DefaultPromise<T> promise = new DefaultPromise<>(this);
    Context context = ContextStorage.capture();
    Runnable fire = () -> {
      if (promise.isDone()) {
        return;
      }
      Context previous = ContextStorage.attach(context);
      try {
        promise.complete(task.call());
      } catch (Throwable failure) {
        promise.fail(failure);
      } finally {
        ContextStorage.restore(previous);
      }
    };
    if (inLoop()) {
      startTimer(promise, fire, nanos);
    } else {
      // The timer is started on the loop, as Netty would do it anyway, so that the listener below is
      // added there too: Netty notifies a listener added elsewhere through the loop, which is lost
      // once the loop has stopped, and logs an error for it.
      try {
        eventLoop.execute(() -> startTimer(promise, fire, Math.max(0, nanos - (System.nanoTime() - scheduledAt))));
      } catch (RejectedExecutionException e) {
        throw runtime.rejected("schedule a task on " + name);
      }
    }
    return promise;
  }

  /** Loop thread only: starts the timer of a {@link #schedule} unless its promise was cancelled. */
  private void startTimer(DefaultPromise<?> promise, Runnable fire, long nanos) {
    if (promise.isDone()) {
      return;
    }
    ScheduledFuture<?> timer = eventLoop.schedule(fire, nanos, TimeUnit.NANOSECONDS);
    // Netty cancels pending timers on the loop thread when the loop stops: the promise must not hang
    timer.addListener(f -> {
      if (f.isCancelled()) {
        promise.cancel();
      }
    });
    // cancelling the timer from the loop keeps Netty's removal and notification there too; if the
    // loop is stopping, dispatch runs it here, and the loop cancels its timers itself
    promise.onCancel(() -> dispatch(() -> {
      try {
        timer.cancel(false);
      } catch (RejectedExecutionException stopping) {
        // Netty could not hand the removal to the loop: the loop cancels all its timers as it stops
      }
    }));
  }

  @Override
  public Future<Void> delay(Duration delay) {
    return schedule(delay, () -> null);
  }

  @Override
  public <T> Future<T> submit(Supplier<? extends Future<T>> task) {
    Objects.requireNonNull(task, "task");
    runtime.checkAccepting("submit a task to " + name);
    DefaultPromise<T> promise = new DefaultPromise<>(this);
    Context context = ContextStorage.capture();
    try {
      eventLoop.execute(() -> {
        if (promise.isDone()) {
          return;
        }
        Future<T> work;
        Context previous = ContextStorage.attach(context);
        try {
          work = task.get();
        } catch (Throwable failure) {
          promise.fail(failure);
          return;
        } finally {
          ContextStorage.restore(previous);
        }
        if (work == null) {
          promise.fail(new NullPointerException("the task given to submit() returned null instead of a Future"));
          return;
        }
        try {
          promise.follow(work);
        } catch (Throwable failure) {
          promise.fail(failure); // a foreign Future whose onComplete threw: the promise must not hang
        }
      });
    } catch (RejectedExecutionException e) {
      throw runtime.rejected("submit a task to " + name);
    }
    return promise;
  }

  @Override
  public <T> Promise<T> newPromise() {
    return new DefaultPromise<>(this);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public AsyncRuntime runtime() {
    return runtime;
  }

  /** Starts the loop's thread now rather than at its first task. */
  /**
   * Starts the loop's thread and warms it up: the first buffer allocation in a JVM initialises
   * Netty's allocator and its JFR event classes, which stalls that loop 100-150 ms. Done here, before
   * the watchdog watches, that stall is neither reported as a blocked loop nor paid by a first request.
   *
   * @return completes once the loop has run its warm-up
   */
  CompletableFuture<Void> start() {
    CompletableFuture<Void> warm = new CompletableFuture<>();
    eventLoop.execute(() -> {
      try {
        ByteBufAllocator.DEFAULT.heapBuffer(64).release();
        ByteBufAllocator.DEFAULT.directBuffer(64).release();
      } finally {
        warm.complete(null);
      }
    });
    return warm;
  }

  /**
   * Runs {@code task} on this loop: Weft's internal path. Accepted while the runtime drains; once
   * the loop has terminated, runs the task on the calling thread instead of losing it.
   *
   * @param task an internal task that handles its own exceptions
   */
  public void dispatch(Runnable task) {
    try {
      eventLoop.execute(task);
    } catch (RejectedExecutionException terminated) {
      task.run();
    }
  }

  /**
   * Runs {@code task} on this loop after {@code nanos}: Weft's internal timers (timeouts). Returns
   * {@code null} when the loop no longer accepts timers.
   *
   * @param task an internal task that handles its own exceptions
   * @param nanos the delay
   * @return the timer, to cancel it, or {@code null}
   */
  public ScheduledFuture<?> scheduleInternal(Runnable task, long nanos) {
    try {
      return eventLoop.schedule(task, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException terminated) {
      return null;
    }
  }

  /**
   * Reports a failure to the runtime's unhandled-failure handler.
   *
   * @param description what the failure escaped from
   * @param failure the failure
   */
  public void reportUnhandled(String description, Throwable failure) {
    runtime.reportUnhandled(description, failure);
  }

  /**
   * The Netty event loop behind this loop, for modules that run channels on it.
   *
   * @return the event loop
   */
  public IoEventLoop eventLoop() {
    return eventLoop;
  }

  /**
   * The loop's thread, or {@code null} before the loop has run its first task.
   *
   * @return the thread or {@code null}
   */
  public Thread thread() {
    return eventLoop.thread();
  }

  /**
   * The tasks this loop has run so far.
   *
   * @return the count
   */
  public long tasksRun() {
    return eventLoop.tasksRun();
  }

  /**
   * The watchdog's record of this loop.
   *
   * @return the health record
   */
  public LoopHealth health() {
    return health;
  }

  @Override
  public String toString() {
    return "Loop[" + name + "]";
  }

  private static long checkDelay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0 (was " + delay + ")");
    }
    try {
      return delay.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * A user task: it runs with the context of the code that gave it, and what it throws goes to
   * the handler instead of Netty's log.
   */
  private final class GuardedTask implements Runnable {
    private final Runnable task;
    private final Context context = ContextStorage.capture(); // null: root

    GuardedTask(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      Context previous = ContextStorage.attach(context);
      try {
        task.run();
      } catch (Throwable failure) {
        reportUnhandled("a task given to " + name + ".execute() threw", failure);
      } finally {
        ContextStorage.restore(previous);
      }
    }
  }
}
