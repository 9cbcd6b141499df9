package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Loop;
import dev.weft.internal.ForWeftModules;
import dev.weft.internal.context.ContextStorage;
import dev.weft.future.FailureHandler;
import dev.weft.future.Future;
import dev.weft.future.OutcomeHandler;
import dev.weft.future.Promise;
import dev.weft.internal.Throwables;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/*
 * Overview
 *
 * State: `result` goes once from null (pending) to the value (NULL_RESULT for null) or a Failure,
 * by CAS, so exactly one completer wins. Callbacks wait in `callbacks`, a Treiber stack (newest
 * first) of Completion nodes; after completion the stack is swapped for DRAINED exactly once, by
 * the home loop (or by the completer, with CAS null -> DRAINED, when it is empty), and the taken
 * nodes run in registration order on the home loop thread.
 *
 * Exactly-once delivery: a node pushed before the swap is run by the drain; an adder that finds
 * DRAINED runs its node itself (on the home loop: inline or as a task). Since the swap only
 * happens after `result` is set, a node found DRAINED always sees the result.
 *
 * Home loop: a completer on the home loop drains inline while the inline depth (kept on the loop
 * thread) is below MAX_INLINE_DEPTH; deeper, or from any other thread, it hands the drain to the
 * home loop as one task (this object is that Runnable). This bounds the stack for chains of any
 * length and keeps callbacks off blocking workers.
 *
 * Cancellation: `cancelHooks` is a second Treiber stack, of actions that stop the producer
 * (Runnables, or upstream futures to cancel). The winning completer swaps it for HOOKS_CLOSED and,
 * if it is cancel() (not a fail() that happens to carry a CancellationException: the producer
 * itself gave up, and must not be interrupted for it), runs the actions on its own thread before
 * draining callbacks. An adder that finds HOOKS_CLOSED runs its own node alone, and only after a
 * cancel(). Upstream cancels go through a per-thread trampoline (cancelUpstream), so cancelling the
 * end of a chain of any length runs in constant stack depth.
 *
 * Unobserved failures: `observed` is set (volatile) by every registration that consumes failures
 * before it reads `result`; a failing completer sets `result` before it reads `observed`. With
 * both volatile, at least one side sees the other: either the completer skips the watch, or the
 * observer finds the Failure and marks it observed. See Failure. join() observes only when it
 * receives the failure: a join that times out or is interrupted has seen nothing.
 *
 * Happens-before: the CAS on `result` publishes everything the completer did before; the drain
 * reads `result` after the swap, so every callback sees it.
 *
 * Derived futures are their own callbacks: the promise that map/flatMap/recover/recoverWith/
 * handle/transform returns extends Completion and is pushed on its source's stack itself, with its
 * function in `fn` and what to do in `kind` (one object per step, where a separate node and
 * promise took two). A derived promise sits in one stack at a time: its source's, then, for
 * flatMap and friends whose inner future is still pending, the inner's (kind becomes RELAY; the
 * drain has cleared `next` before firing). An inner future that is already complete is adopted
 * at once (no node, no cancel hook). On a source that has succeeded and drained, a step called on
 * the home loop runs at once and returns a promise born complete (derive's fast path): what the
 * node would have done next, without the node and without an atomic operation. A non-cancel completion never runs cancel hooks, so it only
 * drops them (a release store, no atomic swap); a hook that races in is lost harmlessly.
 */

/** The one implementation of {@link Promise}. */
@ForWeftModules
public final class DefaultPromise<T> extends Completion implements Promise<T>, Runnable {
  static final Object NULL_RESULT = new Object();
  // what a derived promise does with its source's result (`kind`)
  private static final byte ROOT = 0; // not derived: never pushed as a callback
  private static final byte MAP = 1;
  private static final byte FLAT_MAP = 2;
  private static final byte RECOVER = 3;
  private static final byte RECOVER_WITH = 4;
  private static final byte HANDLE = 5;
  private static final byte TRANSFORM = 6;
  private static final byte RELAY = 7; // copies the result of the future it waits on
  private static final int MAX_INLINE_DEPTH = 16;
  private static final Completion DRAINED = new Completion() {
    @Override
    void fire(Object result) {}
  };
  private static final Hook HOOKS_CLOSED = new Hook(null, null);
  /** Per thread, while it cancels upstream futures: the ones still to cancel (see cancelUpstream). */
  private static final ThreadLocal<ArrayDeque<Future<?>>> UPSTREAM_CANCELS = new ThreadLocal<>();
  private static final VarHandle RESULT;
  private static final VarHandle CALLBACKS;
  private static final VarHandle HOOKS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RESULT = lookup.findVarHandle(DefaultPromise.class, "result", Object.class);
      CALLBACKS = lookup.findVarHandle(DefaultPromise.class, "callbacks", Completion.class);
      HOOKS = lookup.findVarHandle(DefaultPromise.class, "cancelHooks", Hook.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final LoopImpl home;
  private volatile Object result; // null: pending; else NULL_RESULT, the value or a Failure; set once
  private volatile Completion callbacks; // pending callbacks, newest first; DRAINED once handed over
  private volatile Hook cancelHooks; // producer-stopping actions; HOOKS_CLOSED once completed
  private volatile boolean observed; // a registered consumer will receive a failure
  private Future<?> source; // derived futures: what a cancel cancels; read and cleared by the winning completer
  private Object fn; // a derived promise's function; set before it is pushed, cleared when it fires
  private byte kind; // ROOT, or what fire() does; written before each push on a stack

  public DefaultPromise(LoopImpl home) {
    this.home = Objects.requireNonNull(home, "home");
  }

  /** A derived future: cancelling it cancels {@code source} (a field, not a hook: one object less). */
  private DefaultPromise(LoopImpl home, Future<?> source, byte kind, Object fn) {
    this.home = home;
    this.source = source;
    this.kind = kind;
    this.fn = fn;
  }

  /** An already-succeeded promise: no completion, no CAS (see succeededHere). */
  private DefaultPromise(LoopImpl home, Object raw) {
    this.home = Objects.requireNonNull(home, "home");
    RESULT.setRelease(this, raw);
    CALLBACKS.setRelease(this, DRAINED);
    HOOKS.setRelease(this, HOOKS_CLOSED);
  }

  /**
   * A promise that has already succeeded with {@code value}, homed as {@link #homedHere()}; it
   * costs one allocation and no atomic operation.
   *
   * @param value the value, may be null
   * @param <T> the value type
   * @return a succeeded promise
   */
  public static <T> DefaultPromise<T> succeededHere(T value) {
    LoopImpl loop = LoopThread.currentLoop();
    return new DefaultPromise<>(loop != null ? loop : DefaultAsyncRuntime.fallbackLoop(),
        value == null ? NULL_RESULT : value);
  }

  /**
   * A promise homed on the calling loop, or off any loop on the oldest open runtime's next loop.
   *
   * @param <T> the value type
   * @return a new promise
   */
  public static <T> DefaultPromise<T> homedHere() {
    LoopImpl loop = LoopThread.currentLoop();
    return new DefaultPromise<>(loop != null ? loop : DefaultAsyncRuntime.fallbackLoop());
  }

  @Override
  public Loop home() {
    return home;
  }

  /**
   * The home loop as its implementation, for scheduling internal timers on it.
   *
   * @return the home loop
   */
  public LoopImpl homeLoop() {
    return home;
  }

  // ---- completing

  @Override
  public boolean complete(T value) {
    return completeWith(value == null ? NULL_RESULT : value);
  }

  @Override
  public boolean fail(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    return completeWith(new Failure(failure));
  }

  @Override
  public boolean cancel() {
    return completeWith(Failure.cancellation());
  }

  /** Completes with another promise's raw result; a failure gets a box of its own. */
  boolean completeWithResultOf(Object raw) {
    return raw instanceof Failure ? fail(((Failure) raw).cause) : completeWith(raw);
  }

  private boolean completeWith(Object raw) {
    if (!RESULT.compareAndSet(this, null, raw)) {
      return false;
    }
    Future<?> derivedFrom = source;
    source = null; // a completed future no longer keeps its source reachable
    if (raw instanceof Failure) {
      Failure failure = (Failure) raw;
      if (!failure.isCancellation() && !observed) {
        failure.watch(this, home);
      }
      if (failure.byCancel) {
        runHooks((Hook) HOOKS.getAndSet(this, HOOKS_CLOSED));
        if (derivedFrom != null) {
          cancelUpstream(derivedFrom);
        }
      } else {
        closeHooks();
      }
    } else {
      closeHooks();
    }
    if (LoopThread.tryEnterInline(home, MAX_INLINE_DEPTH)) {
      try {
        drain(); // one swap; finds null when nobody waits
      } finally {
        LoopThread.exitInline();
      }
    } else if (!CALLBACKS.compareAndSet(this, null, DRAINED)) {
      home.dispatch(this); // somebody waits: the drain goes to the home loop
    }
    return true;
  }

  /**
   * After a completion that is not a cancel: the hooks will never run, so they are only dropped.
   * A hook pushed concurrently may be overwritten: it would not have run either.
   */
  private void closeHooks() {
    if (cancelHooks != null) {
      HOOKS.setRelease(this, HOOKS_CLOSED);
    }
  }

  /** The drain task, handed to the home loop by a completer that could not drain inline. */
  @Override
  public void run() {
    if (LoopThread.tryEnterInline(home, MAX_INLINE_DEPTH)) {
      try {
        drain();
      } finally {
        LoopThread.exitInline();
      }
    } else {
      drain(); // the loop has terminated and the task runs on the completing thread: no choice left
    }
  }

  private void drain() {
    Completion head = (Completion) CALLBACKS.getAndSet(this, DRAINED);
    if (head == DRAINED || head == null) {
      return;
    }
    Completion reversed = null;
    while (head != null) {
      Completion next = head.next;
      head.next = reversed;
      reversed = head;
      head = next;
    }
    Object raw = result;
    for (Completion node = reversed; node != null; ) {
      Completion next = node.next;
      node.next = null;
      fireGuarded(node, raw);
      node = next;
    }
  }

  private void fireGuarded(Completion node, Object raw) {
    // the callback sees the context of the code that registered it, never the completer's
    if (node.context == null && ContextStorage.neverSetHere()) {
      try {
        node.fire(raw); // no context anywhere: nothing to attach or restore
      } catch (Throwable failure) {
        home.reportUnhandled("a callback of a future threw", failure);
      }
      return;
    }
    Context previous = ContextStorage.attach(node.context);
    try {
      node.fire(raw);
    } catch (Throwable failure) {
      home.reportUnhandled("a callback of a future threw", failure);
    } finally {
      ContextStorage.restore(previous);
    }
  }

  // ---- registering callbacks

  /** Registers {@code node}; it fires exactly once, on the home loop, after completion. */
  void addCompletion(Completion node, boolean consumesFailure) {
    if (consumesFailure) {
      markObserved();
    }
    node.context = ContextStorage.capture();
    for (;;) {
      Completion head = callbacks;
      if (head == DRAINED) {
        node.next = null; // may hold a stale head from a lost CAS
        fireNow(node);
        return;
      }
      node.next = head;
      if (CALLBACKS.compareAndSet(this, head, node)) {
        return;
      }
    }
  }

  private void fireNow(Completion node) {
    Object raw = result;
    if (node instanceof Completions.Waiter) {
      fireGuarded(node, raw);
    } else if (LoopThread.tryEnterInline(home, MAX_INLINE_DEPTH)) {
      try {
        fireGuarded(node, raw);
      } finally {
        LoopThread.exitInline();
      }
    } else {
      home.dispatch(() -> fireGuarded(node, raw));
    }
  }

  /**
   * Calls {@code callback} now, without a node, if this promise has completed and drained and the
   * caller is its home loop with room on the stack: what a registered node would do next anyway.
   *
   * @return false if the caller must register a node instead
   */
  boolean completeHere(BiConsumer<? super T, ? super Throwable> callback, boolean consumesFailure) {
    if (callbacks != DRAINED || !LoopThread.tryEnterInline(home, MAX_INLINE_DEPTH)) {
      return false;
    }
    try {
      Object raw = result;
      if (consumesFailure && raw instanceof Failure) {
        markObserved(); // a success needs no mark: no failure can come any more
      }
      if (raw instanceof Failure) {
        callback.accept(null, ((Failure) raw).cause);
      } else {
        callback.accept(Completions.value(raw), null);
      }
    } catch (Throwable failure) {
      home.reportUnhandled("a callback of a future threw", failure);
    } finally {
      LoopThread.exitInline();
    }
    return true;
  }

  /** Whether some consumer has taken, or will take, responsibility for a failure. */
  boolean isObserved() {
    return observed;
  }

  void markObserved() {
    if (!observed) {
      observed = true;
    }
    Object raw = result;
    if (raw instanceof Failure) {
      ((Failure) raw).markObserved();
    }
  }

  @Override
  public Promise<T> onCancel(Runnable hook) {
    addHook(new Hook(Objects.requireNonNull(hook, "hook"), null));
    return this;
  }

  /** Cancelling this promise cancels {@code upstream}. */
  void cancelsUpstream(Future<?> upstream) {
    addHook(new Hook(null, upstream));
  }

  /** Cancelling this promise cancels each of {@code upstreams}: one hook for all of them. */
  void cancelsAllUpstream(List<? extends Future<?>> upstreams) {
    addHook(new Hook(() -> {
      for (Future<?> upstream : upstreams) {
        cancelUpstream(upstream);
      }
    }, null));
  }

  private void addHook(Hook node) {
    Object settled = result;
    if (settled != null && !(settled instanceof Failure && ((Failure) settled).byCancel)) {
      return; // settled, not by a cancel: hooks never run, and closeHooks() may have left no marker to stop a push
    }
    for (;;) {
      Hook head = cancelHooks;
      if (head == HOOKS_CLOSED) {
        // node.next may hold the head of a CAS lost to the completer's swap: hooks it has already
        // run. Run this node alone.
        node.next = null;
        Object raw = result;
        if (raw instanceof Failure && ((Failure) raw).byCancel) {
          runHooks(node);
        }
        return;
      }
      node.next = head;
      if (HOOKS.compareAndSet(this, head, node)) {
        return;
      }
    }
  }

  private void runHooks(Hook hooks) {
    for (Hook hook = hooks; hook != null && hook != HOOKS_CLOSED; hook = hook.next) {
      if (hook.upstream != null) {
        cancelUpstream(hook.upstream);
        continue;
      }
      try {
        hook.action.run();
      } catch (Throwable failure) {
        home.reportUnhandled("a cancel hook of a promise threw", failure);
      }
    }
  }

  /**
   * Cancels {@code upstream} on this thread before the outermost cancel() of this thread returns,
   * without recursion: called again from inside such a cancel (the upstream's own upstream hook),
   * it only queues the future for the outermost call's loop. A derived future's cancel() would
   * otherwise recurse once per link, and overflow the stack on a long chain.
   */
  private void cancelUpstream(Future<?> upstream) {
    ArrayDeque<Future<?>> pending = UPSTREAM_CANCELS.get();
    if (pending != null) {
      pending.add(upstream);
      return;
    }
    pending = new ArrayDeque<>();
    UPSTREAM_CANCELS.set(pending);
    try {
      for (Future<?> next = upstream; next != null; next = pending.poll()) {
        try {
          next.cancel();
        } catch (Throwable failure) {
          home.reportUnhandled("cancelling the source of a future threw", failure);
        }
      }
    } finally {
      UPSTREAM_CANCELS.remove();
    }
  }

  /**
   * Completes this promise with {@code source}'s result when it arrives; cancelling this promise
   * cancels {@code source}.
   *
   * @param source the future to follow
   */
  public void follow(Future<? extends T> source) {
    if (source instanceof DefaultPromise && adoptIfDone((DefaultPromise<? extends T>) source)) {
      return;
    }
    cancelsUpstream(source);
    if (source instanceof DefaultPromise) {
      ((DefaultPromise<?>) source).addCompletion(new Completions.Relay(this), true);
    } else {
      source.onComplete((value, failure) -> {
        if (failure != null) {
          fail(failure);
        } else {
          complete(value);
        }
      });
    }
  }

  // ---- Future

  @Override
  public <U> Future<U> map(Function<? super T, ? extends U> fn) {
    Objects.requireNonNull(fn, "fn");
    return derive(MAP, fn);
  }

  @Override
  public <U> Future<U> flatMap(Function<? super T, ? extends Future<U>> fn) {
    Objects.requireNonNull(fn, "fn");
    return derive(FLAT_MAP, fn);
  }

  @Override
  public Future<T> recover(FailureHandler<? extends T> fn) {
    Objects.requireNonNull(fn, "fn");
    return derive(RECOVER, fn);
  }

  @Override
  public Future<T> recoverWith(FailureHandler<? extends Future<T>> fn) {
    Objects.requireNonNull(fn, "fn");
    return derive(RECOVER_WITH, fn);
  }

  @Override
  public <U> Future<U> handle(OutcomeHandler<? super T, ? extends U> fn) {
    Objects.requireNonNull(fn, "fn");
    return derive(HANDLE, fn);
  }

  @Override
  public <U> Future<U> transform(OutcomeHandler<? super T, ? extends Future<U>> fn) {
    Objects.requireNonNull(fn, "fn");
    return derive(TRANSFORM, fn);
  }

  /** A derived promise of {@code kind}, registered on this one as its own callback. */
  private <U> DefaultPromise<U> derive(byte kind, Object fn) {
    // Fast path: a source that has succeeded and drained, on its home loop with room on the stack,
    // is what a registered node would find next anyway: run the step now and hand back a promise
    // born complete (no node, no atomic operation). Failures keep the ordinary path (the watch).
    if (callbacks == DRAINED && kind != HANDLE && kind != TRANSFORM && kind != RECOVER_WITH
        && !(result instanceof Failure) && LoopThread.tryEnterInline(home, MAX_INLINE_DEPTH)) {
      try {
        return stepOnSuccess(kind, fn, result);
      } finally {
        LoopThread.exitInline();
      }
    }
    DefaultPromise<U> target = new DefaultPromise<>(home, this, kind, fn);
    addCompletion(target, true);
    return target;
  }

  /** The derive fast path: {@code raw} is this promise's successful result. */
  @SuppressWarnings("unchecked")
  private <U> DefaultPromise<U> stepOnSuccess(byte kind, Object fn, Object raw) {
    if (kind == RECOVER || kind == RELAY) {
      return new DefaultPromise<>(home, raw); // nothing to recover: the value as it is
    }
    Object made;
    try {
      made = ((Function<Object, Object>) fn).apply(Completions.value(raw));
    } catch (Throwable failure) {
      DefaultPromise<U> failed = new DefaultPromise<>(home);
      failed.fail(failure);
      return failed;
    }
    if (kind == MAP) {
      return new DefaultPromise<>(home, made == null ? NULL_RESULT : made);
    }
    // FLAT_MAP: a succeeded inner future's value is adopted as is; else the ordinary follow
    if (made instanceof DefaultPromise) {
      Object innerRaw = ((DefaultPromise<?>) made).result;
      if (innerRaw != null && !(innerRaw instanceof Failure)) {
        return new DefaultPromise<>(home, innerRaw);
      }
    }
    DefaultPromise<U> target = new DefaultPromise<>(home, null, RELAY, null);
    target.followInner((Future<U>) made, "flatMap");
    return target;
  }

  /** A derived promise: reacts to its source's (or, for RELAY, its inner future's) result. */
  @Override
  @SuppressWarnings("unchecked")
  void fire(Object raw) {
    Object function = fn;
    fn = null; // fires once; the function need not stay reachable
    if (kind == RELAY) {
      completeWithResultOf(raw);
      return;
    }
    boolean failed = raw instanceof Failure;
    if (failed && (kind == MAP || kind == FLAT_MAP)) {
      fail(((Failure) raw).cause);
      return;
    }
    if (!failed && (kind == RECOVER || kind == RECOVER_WITH)) {
      completeWithResultOf(raw);
      return;
    }
    if (result != null) {
      return; // cancelled meanwhile: nobody can receive what the function would make, or starting work would waste it
    }
    Throwable cause = failed ? ((Failure) raw).cause : null;
    Object value = failed ? null : Completions.value(raw);
    Object made;
    try {
      switch (kind) {
        case MAP:
          made = ((Function<Object, Object>) function).apply(value);
          break;
        case FLAT_MAP:
          made = ((Function<Object, Object>) function).apply(value);
          break;
        case RECOVER:
        case RECOVER_WITH:
          made = ((FailureHandler<Object>) function).apply(cause);
          break;
        default: // HANDLE, TRANSFORM
          made = ((OutcomeHandler<Object, Object>) function).apply(value, cause);
          break;
      }
    } catch (Throwable failure) {
      fail(failure);
      return;
    }
    switch (kind) {
      case FLAT_MAP:
        followInner((Future<T>) made, "flatMap");
        break;
      case RECOVER_WITH:
        followInner((Future<T>) made, "recoverWith");
        break;
      case TRANSFORM:
        followInner((Future<T>) made, "transform");
        break;
      default: // MAP, RECOVER, HANDLE
        complete((T) made);
        break;
    }
  }

  /**
   * Completes with {@code next}'s result: at once if it has one, else by waiting on it as its
   * callback (this promise becomes a RELAY); cancelling this promise then cancels {@code next}.
   */
  private void followInner(Future<T> next, String method) {
    if (next == null) {
      fail(new NullPointerException("the function given to " + method + " returned null instead of a Future"));
      return;
    }
    if (!(next instanceof DefaultPromise)) {
      follow(next);
      return;
    }
    DefaultPromise<T> inner = (DefaultPromise<T>) next;
    if (adoptIfDone(inner)) {
      return;
    }
    cancelsUpstream(inner);
    kind = RELAY; // `next` was cleared by the source's drain before this fired
    inner.addCompletion(this, true);
  }

  /** Takes {@code inner}'s result if it has one; a failure taken counts as observed. */
  private boolean adoptIfDone(DefaultPromise<? extends T> inner) {
    Object innerRaw = inner.result;
    if (innerRaw == null) {
      return false;
    }
    if (innerRaw instanceof Failure) {
      inner.markObserved();
    }
    completeWithResultOf(innerRaw);
    return true;
  }

  @Override
  public Future<T> orTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 (was " + timeout + ")");
    }
    long nanos = saturatedNanos(timeout);
    if (isDone()) {
      return derive(RELAY, null);
    }
    DefaultPromise<T> target = new DefaultPromise<>(home, this, ROOT, null);
    Completions.TimeoutRelay relay = new Completions.TimeoutRelay(target);
    relay.timer = home.scheduleInternal(() -> {
      // A source that already has its result is in time, even if its relay still waits in the
      // loop's queue behind this timer.
      if (isDone()) {
        return;
      }
      // The source is cancelled before the result fails, so whoever sees the TimeoutException
      // also sees the work told to stop. The relay stands aside first: the cancellation it would
      // carry is not the result's truth. If the cancel loses to a completion from another thread,
      // the source was in time after all: its result is delivered here, as the relay (which may
      // already have stood aside, or still wait in the queue) would have.
      relay.expired = true;
      if (cancel()) {
        target.fail(new TimeoutException("future did not complete within "
            + Throwables.formatNanos(nanos) + " (orTimeout); the work that produces it was cancelled"));
      } else {
        target.completeWithResultOf(result); // set: the cancel lost to it
      }
    }, nanos);
    addCompletion(relay, true);
    return target;
  }

  @Override
  public Future<T> onComplete(BiConsumer<? super T, ? super Throwable> callback) {
    Objects.requireNonNull(callback, "callback");
    if (!completeHere(callback, true)) {
      addCompletion(new Completions.OnComplete<>(callback), true);
    }
    return this;
  }

  @Override
  public Future<T> onSuccess(Consumer<? super T> callback) {
    addCompletion(new Completions.OnSuccess<>(Objects.requireNonNull(callback, "callback")), false);
    return this;
  }

  @Override
  public Future<T> onFailure(Consumer<? super Throwable> callback) {
    addCompletion(new Completions.OnFailure(Objects.requireNonNull(callback, "callback")), true);
    return this;
  }

  @Override
  public T join() {
    checkNotOnLoop("join()");
    Object raw = result;
    if (raw == null) {
      raw = await(-1L);
    }
    return valueOrThrow(raw);
  }

  @Override
  public T join(Duration timeout) throws TimeoutException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0 (was " + timeout + ")");
    }
    checkNotOnLoop("join(Duration)");
    Object raw = result;
    if (raw == null) {
      raw = await(saturatedNanos(timeout));
      if (raw == null) {
        throw new TimeoutException("future did not complete within " + Throwables.formatNanos(saturatedNanos(timeout))
            + " (join); the future is still running");
      }
    }
    return valueOrThrow(raw);
  }

  /** Parks until completion; {@code timeoutNanos < 0} waits forever. Returns null on timeout. */
  private Object await(long timeoutNanos) {
    addCompletion(new Completions.Waiter(Thread.currentThread()), false); // observes only on receipt
    long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
    Object raw;
    while ((raw = result) == null) {
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        CancellationException interrupted = new CancellationException(
            "interrupted while waiting in join(); the future itself was not cancelled");
        interrupted.initCause(new InterruptedException());
        throw interrupted;
      }
      if (timeoutNanos < 0) {
        LockSupport.park(this);
      } else {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return null;
        }
        LockSupport.parkNanos(this, remaining);
      }
    }
    return raw;
  }

  /** Refuses a blocking wait on a loop thread, naming the method and what to do instead. */
  static void checkNotOnLoop(String method) {
    if (Thread.currentThread() instanceof LoopThread) {
      throw new IllegalStateException(method + " called on loop thread " + Thread.currentThread().getName()
          + ": waiting here would stop the loop, and with it every future homed on it, possibly the one "
          + "being waited for. Compose instead (map, flatMap, onComplete), or wait from a thread that is not a loop");
    }
  }

  @SuppressWarnings("unchecked")
  private T valueOrThrow(Object raw) {
    if (raw instanceof Failure) {
      markObserved(); // the caller receives it now
      throw Throwables.sneakyThrow(((Failure) raw).cause);
    }
    return raw == NULL_RESULT ? null : (T) raw;
  }

  @Override
  public boolean isDone() {
    return result != null;
  }

  @Override
  public boolean isFailed() {
    return result instanceof Failure;
  }

  @Override
  public boolean isCancelled() {
    Object raw = result;
    return raw instanceof Failure && ((Failure) raw).isCancellation();
  }

  @Override
  public T resultNow() {
    Object raw = result;
    if (raw == null) {
      throw new IllegalStateException("resultNow() called on a future that has not completed");
    }
    if (raw instanceof Failure) {
      markObserved();
      throw new IllegalStateException("resultNow() called on a future that failed", ((Failure) raw).cause);
    }
    return valueOrThrow(raw);
  }

  @Override
  public Throwable failureNow() {
    Object raw = result;
    if (raw == null) {
      throw new IllegalStateException("failureNow() called on a future that has not completed");
    }
    if (!(raw instanceof Failure)) {
      throw new IllegalStateException("failureNow() called on a future that succeeded");
    }
    markObserved();
    return ((Failure) raw).cause;
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> bridge = new LoopSafeCompletableFuture<>();
    onComplete((value, failure) -> {
      if (failure != null) {
        bridge.completeExceptionally(failure);
      } else {
        bridge.complete(value);
      }
    });
    bridge.whenComplete((value, failure) -> {
      if (bridge.isCancelled()) {
        cancel();
      }
    });
    return bridge;
  }

  @Override
  public String toString() {
    Object raw = result;
    String state = raw == null ? "pending"
        : raw instanceof Failure ? (((Failure) raw).isCancellation() ? "cancelled" : "failed: " + ((Failure) raw).cause)
        : "succeeded";
    return "Future[" + state + ", home " + home.name() + "]";
  }

  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE / 2;
    }
  }

  /** A cancel action: a Runnable to run, or an upstream Future to cancel; exactly one is non-null. */
  private static final class Hook {
    final Runnable action;
    final Future<?> upstream;
    Hook next; // written before the node is published by CAS; read after the completer's swap

    Hook(Runnable action, Future<?> upstream) {
      this.action = action;
      this.upstream = upstream;
    }
  }
}
