package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.internal.Throwables;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.limit.AdaptiveGate;
import dev.weft.internal.limit.AdaptiveGate.Permit;
import dev.weft.internal.limit.Outcome;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/*
 * Overview
 *
 * An adaptive limit in front of a bounded pool, kept out of the pool so that the pool's admission
 * and wake-up (BoundedPool's overview) stay as they are. The gate (AdaptiveGate) holds at most
 * `limit` permits out, limit <= maxThreads; a call with a permit goes straight to the pool, which
 * has a thread for it. Calls beyond the limit wait in the gate's queue (the user's maxQueue) and
 * are refused beyond it.
 *
 * The pool's own queue is only slack: a permit is released on the worker, in the call's finally,
 * just before the pool frees the call's slot (CallTask: released, then the promise), and the
 * released permit may go at once to a waiter whose call then reaches the pool while the old call
 * still counts there. So the pool may briefly hold up to 2 x maxThreads calls; its queue is sized
 * maxThreads + maxQueue, which also takes every waiter when the adapter closes (close() and the
 * runtime's shutdown hand the gate's waiters to the pool, over the limit, so waiting calls keep
 * their documented fate: run after close(), settled as never started at shutdown).
 *
 * One call (GatedCall): NEW -> RUNNING (its worker began it) -> ENDED, or NEW -> ENDED when the
 * pool's future completes before the call began (timed out or cancelled in the pool's queue, or
 * settled at shutdown). Whoever moves it to ENDED from NEW, or the worker at the end of RUNNING,
 * releases the permit: exactly once (the permit's own CAS makes a second release harmless too).
 * The permit's latency is the time from permit to the end of the call: the pool's start-up or
 * wake-up included, the gate's queue not.
 *
 * The caller's future is a promise of ours that follows the pool's future: a waiting call has no
 * pool future yet, and a listener on the pool's future must not count as the user observing a
 * failure.
 */

/** A bounded pool behind an adaptive limit. */
public final class LimitedAdapter implements BlockingAdapter {
  private final BoundedPool pool;
  private final AdaptiveGate gate;
  private final int maxQueue; // the user's: calls waiting in the gate

  private LimitedAdapter(BoundedPool pool, AdaptiveGate gate, int maxQueue) {
    this.pool = pool;
    this.gate = gate;
    this.maxQueue = maxQueue;
  }

  /**
   * Starts a bounded pool behind an adaptive limit on {@code runtime}.
   *
   * @param runtime the runtime
   * @param settings the pool's checked settings
   * @param limit the adaptive limit's settings
   * @return the adapter
   */
  public static BlockingAdapter start(AsyncRuntime runtime, AdapterSettings settings, AdaptiveLimit limit) {
    AdaptiveGate gate = AdaptiveGate.create(settings.name(), limit, settings.maxConcurrency(),
        settings.kind().concurrencySetting());
    AdapterSettings poolSettings = new AdapterSettings(settings.name(), settings.kind(), settings.maxConcurrency(),
        (int) Math.min(AdapterSettings.MAX_QUEUE, (long) settings.maxConcurrency() + settings.maxQueue()),
        settings.keepAliveNanos(), settings.spinNanos(), settings.interruptOnCancel(), settings.slowCallNanos(),
        settings.prestartThreads(), settings.availableProcessors());
    BoundedPool pool = BoundedPool.start(runtime, poolSettings);
    LimitedAdapter adapter = new LimitedAdapter(pool, gate, settings.maxQueue());
    pool.front = adapter;
    pool.beforeShutDown = adapter::handWaitersToPool;
    return adapter;
  }

  @Override
  public <T> Future<T> call(Callable<T> task) {
    return submit(task, 0);
  }

  @Override
  public <T> Future<T> call(Callable<T> task, Duration timeout) {
    return submit(task, AdapterBase.timeoutNanos(timeout));
  }

  private <T> Future<T> submit(Callable<T> task, long timeoutNanos) {
    Objects.requireNonNull(task, "task");
    if (pool.closed) {
      return timeoutNanos > 0 ? pool.call(task, Duration.ofNanos(timeoutNanos)) : pool.call(task); // refused
    }
    LoopImpl home = LoopThread.currentLoop();
    if (home == null) {
      home = pool.runtime.nextLoop();
    }
    GatedCall<T> call = new GatedCall<>(task, new DefaultPromise<>(home), System.nanoTime(), timeoutNanos);
    Permit permit = gate.acquire(call, maxQueue);
    if (permit == null) {
      call.promise.fail(reject()); // one error path: a refusal is the future's failure (see AdapterBase)
      return call.promise;
    }
    if (permit == AdaptiveGate.WAITING) {
      call.waitForPermit();
    } else {
      call.start(permit, timeoutNanos, true);
    }
    return call.promise;
  }

  private RejectedException reject() {
    pool.metrics.rejected.increment();
    int running = pool.metrics.active();
    RejectedCallEvent event = new RejectedCallEvent();
    if (event.shouldCommit()) {
      event.adapter = pool.settings.name();
      event.running = running;
      event.queued = gate.waiting();
      event.commit();
    }
    int limit = gate.limit();
    return new RejectedException(pool.describe() + " is saturated (" + gate.inFlight() + "/" + limit + " running, "
        + gate.waiting() + "/" + maxQueue + " queued) at its adaptive limit (" + gate.describe() + "); raise maxQueue, "
        + "or the adaptive limit's floor if the system behind it can take more, or shed load upstream");
  }

  /** Close and shutdown: every waiter goes to the pool, over the limit, before the pool closes. */
  private void handWaitersToPool() {
    gate.close();
  }

  @Override
  public String name() {
    return pool.name();
  }

  @Override
  public AdapterStats stats() {
    AdapterStats inner = pool.stats();
    return new AdapterStats(inner.name(), inner.kind(), inner.maxConcurrency(), maxQueue, inner.submitted(),
        inner.completed(), inner.failed(), inner.rejected(), inner.timedOut(), inner.cancelled(), inner.active(),
        gate.waiting() + inner.queued(), inner.peakActive(), inner.threads(), inner.queueWaitP50(),
        inner.queueWaitP99(), inner.runTimeP50(), inner.runTimeP99(), inner.runTimeMax(), inner.queueWait(),
        inner.runTime());
  }

  @Override
  public Optional<LimitStats> limitStats() {
    return Optional.of(gate.stats());
  }

  @Override
  public void close() {
    handWaitersToPool();
    pool.close();
  }

  @Override
  public String toString() {
    return pool.describe() + " (" + gate.describe() + ")";
  }

  /** One call through the gate: see the overview. */
  private final class GatedCall<T> implements AdaptiveGate.Waiter, Callable<T> {
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(GatedCall.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Callable<T> task;
    final DefaultPromise<T> promise; // the caller's
    private final long submittedAt; // System.nanoTime()
    private final long timeoutNanos; // 0: none; counts the wait in the gate too
    private volatile Permit permit; // set before the pool can run the call
    private volatile long grantedAt; // System.nanoTime() when the permit came; set with `permit`
    private volatile ScheduledFuture<?> timer; // the wait's timeout, while it waits in the gate
    private volatile int state = NEW;

    GatedCall(Callable<T> task, DefaultPromise<T> promise, long submittedAt, long timeoutNanos) {
      this.task = task;
      this.promise = promise;
      this.submittedAt = submittedAt;
      this.timeoutNanos = timeoutNanos;
    }

    /** In the gate's queue: leave it on cancel or timeout. */
    void waitForPermit() {
      pool.metrics.submitted.increment(); // counted here; the pool does not count it again
      promise.onCancel(() -> {
        if (gate.cancelWait(this)) {
          pool.metrics.cancelled.increment();
          cancelTimer();
        }
      });
      if (timeoutNanos > 0) {
        timer = promise.homeLoop().scheduleInternal(this::waitTimedOut, timeoutNanos);
        if (permit != null) {
          cancelTimer(); // granted before the timer existed: granted() found nothing to cancel
        }
      }
    }

    private void waitTimedOut() {
      if (gate.cancelWait(this)) {
        pool.metrics.timedOut.increment();
        promise.fail(waitTimeout());
      }
    }

    private TimeoutException waitTimeout() {
      return new TimeoutException("blocking call on " + pool.describe() + " did not complete within "
          + Throwables.formatNanos(timeoutNanos) + "; it was dropped from the queue, waiting for a permit under its "
          + "adaptive limit (" + gate.describe() + ")");
    }

    private void cancelTimer() {
      ScheduledFuture<?> pending = timer;
      if (pending != null) {
        pending.cancel(false);
      }
    }

    @Override
    public void granted(Permit granted) {
      cancelTimer();
      if (promise.isDone()) { // cancelled just as it was granted
        granted.release(Outcome.IGNORED);
        pool.metrics.cancelled.increment(); // its cancel found it no longer waiting: count it here
        return;
      }
      long remaining = 0;
      if (timeoutNanos > 0) {
        remaining = timeoutNanos - (System.nanoTime() - submittedAt);
        if (remaining <= 0) {
          // its time went by in the gate's queue (the timer lost the race with this grant): the
          // backend never saw it, so the permit goes back as no sample, not as the backend's timeout
          granted.release(Outcome.IGNORED);
          pool.metrics.timedOut.increment();
          promise.fail(waitTimeout());
          return;
        }
      }
      start(granted, remaining, false);
    }

    /** Hands the call to the pool under {@code granted}. */
    void start(Permit granted, long remainingNanos, boolean counted) {
      grantedAt = System.nanoTime();
      permit = granted;
      Future<T> inner;
      try {
        inner = remainingNanos > 0 ? pool.call(this, Duration.ofNanos(remainingNanos)) : pool.call(this);
      } catch (Throwable unexpected) { // the pool refuses with a failed future; this is an Error (no thread)
        releaseUnsampled(granted);
        promise.fail(unexpected);
        return;
      }
      if (inner.isFailed() && inner.failureNow() instanceof RejectedException refused) {
        // the pool refused it at once (closed meanwhile, or its queue clogged with dropped calls):
        // no call ran, so the permit goes back as no sample, and the refusal is this call's outcome
        if (!counted) {
          pool.metrics.submitted.decrement(); // counted when it began to wait; the pool counted it rejected
        }
        releaseUnsampled(granted);
        promise.fail(refused);
        return;
      }
      if (!counted) {
        pool.metrics.submitted.decrement(); // counted once, when it began to wait
      }
      inner.onComplete((value, failure) -> {
        if (STATE.compareAndSet(this, NEW, ENDED)) {
          granted.release(Outcome.IGNORED); // ended before its call began: the backend never saw it
        }
      });
      promise.follow(inner);
    }

    @Override
    public T call() throws Exception { // on the pool's worker
      if (!STATE.compareAndSet(this, NEW, RUNNING)) {
        return null; // its future has completed already: the pool will not deliver this
      }
      boolean failed = true;
      try {
        T value = task.call();
        failed = false;
        return value;
      } finally {
        state = ENDED;
        permit.release(outcomeOf(failed));
      }
    }

    /**
     * What the call that ran says about the backend. A timeout is the backend's only if the call
     * held its permit for the whole timeout: one whose time went by in the gate's queue was cut
     * short by the limit's own queue, and counting that as the backend's timeout would lower the
     * limit, lengthen that queue and time out more calls, down to the floor while the backend is
     * fine. Such a call says nothing about the backend's latency either: no sample.
     */
    private Outcome outcomeOf(boolean failed) {
      if (promise.isCancelled()) {
        return Outcome.IGNORED; // its caller gave up: that says nothing about the backend
      }
      if (timeoutNanos > 0) {
        long now = System.nanoTime();
        if (now - submittedAt >= timeoutNanos) {
          return now - grantedAt >= timeoutNanos ? Outcome.TIMEOUT : Outcome.IGNORED;
        }
      }
      return failed ? Outcome.FAILURE : Outcome.SUCCESS;
    }

    /**
     * Gives a permit back as no sample, off this stack: when the pool refuses calls, each release
     * grants the next waiter, whose start meets the same refusal; run inline, that would recurse
     * once per waiter.
     */
    private void releaseUnsampled(Permit granted) {
      try {
        promise.homeLoop().execute(() -> granted.release(Outcome.IGNORED));
      } catch (RuntimeException loopStopped) { // the runtime is shutting down: release here
        granted.release(Outcome.IGNORED);
      }
    }
  }
}
