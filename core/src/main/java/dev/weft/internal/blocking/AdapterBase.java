package dev.weft.internal.blocking;

import dev.weft.RejectedException;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.internal.Throwables;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What every adapter does the same way: homing the call's promise, timeouts, cancellation,
 * rejection messages and events, slow-call reports. Subclasses decide where calls run.
 */
abstract class AdapterBase implements BlockingAdapter {
  private static final Logger LOG = WeftLoggers.get(BlockingAdapter.class);
  private static final long SATURATION_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  final DefaultAsyncRuntime runtime;
  final AdapterSettings settings;
  final AdapterMetrics metrics = new AdapterMetrics();
  volatile boolean closed;
  volatile Supplier<AdapterStats> shownAs; // null: the runtime's metrics show this adapter's own stats
  volatile boolean startsNoCall; // the runtime is shutting down: a call taken from the queue is settled, not run
  // What users reach by name (AsyncRuntime.adapter): this, or a gate in front of it (LimitedAdapter),
  // whose waiting calls the shutdown hands on first. Set once, before the runtime gives it out.
  volatile BlockingAdapter front = this;
  volatile Runnable beforeShutDown; // null, or the front's drain of its own waiting calls
  // Rejections before this System.nanoTime() are not logged. Not "once until a call is accepted":
  // a pool at its limit accepts and rejects in turns, which would log nearly every rejection, on
  // the caller's thread (often a loop), just when the service is overloaded.
  private final AtomicLong nextSaturationWarning = new AtomicLong(System.nanoTime());
  // Likewise for threads that could not be started: under thread exhaustion every call may try.
  private final AtomicLong nextStartFailureWarning = new AtomicLong(System.nanoTime());

  AdapterBase(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    this.runtime = runtime;
    this.settings = settings;
  }

  @Override
  public final <T> Future<T> call(Callable<T> task) {
    return submit(task, 0);
  }

  @Override
  public final <T> Future<T> call(Callable<T> task, Duration timeout) {
    return submit(task, timeoutNanos(timeout));
  }

  /**
   * A call's timeout in nanoseconds, checked: positive, and one too long for a long is as good as
   * forever. Shared by every adapter's {@code call(task, timeout)}.
   */
  static long timeoutNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 (was " + timeout + ")");
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE / 2;
    }
  }

  private <T> Future<T> submit(Callable<T> callable, long timeoutNanos) {
    Objects.requireNonNull(callable, "task");
    LoopImpl home = LoopThread.currentLoop();
    if (home == null) {
      home = runtime.nextLoop();
    }
    DefaultPromise<T> promise = new DefaultPromise<>(home);
    CallTask<T> task = new CallTask<>(this, callable, promise, home, timeoutNanos);
    try {
      admit(task);
    } catch (RejectedException rejected) {
      // One error path: a refusal is the future's failure, like the call's own. The promise watches
      // it as any failure, so a refused call whose future nobody looks at is still reported.
      promise.fail(rejected);
      return promise;
    }
    metrics.submitted.increment();
    // Hooks and timer come after admission, so a call can only be dropped once its adapter counts
    // it. Nobody can cancel before this method returns.
    promise.onCancel(task);
    task.startTimer(); // unless the adapter started it already
    return promise;
  }

  /**
   * Accepts the call (it will run) or throws {@link RejectedException} via {@link #reject}, which
   * {@link #call} turns into the future's failure.
   *
   * @param task the call
   */
  abstract void admit(CallTask<?> task);

  /** A call dropped while it waited (cancel or timeout): free its slot. */
  abstract void dropped(CallTask<?> task);

  /**
   * A call has returned, on the thread that ran it, which has not completed its promise yet: free
   * its slot now, so its caller finds room when it calls again as soon as the future completes.
   */
  abstract void released(CallTask<?> task);

  /** Calls waiting now. */
  abstract int queued();

  /**
   * Calls running, handed to a thread that is starting or waking, and waiting, read together so
   * that a message's figures add up.
   *
   * @return the counts
   */
  Occupancy occupancy() {
    return new Occupancy(metrics.active(), 0, queued());
  }

  /**
   * What an adapter holds at one moment.
   *
   * @param running calls running (at most maxConcurrency)
   * @param starting calls handed to a thread that is starting or being woken (running + starting
   *     is at most maxConcurrency)
   * @param queued calls waiting for a busy thread (at most maxQueue)
   */
  record Occupancy(int running, int starting, int queued) {
    /**
     * Splits the calls accepted and not running: those that fit in the free threads are starting
     * (a thread is on its way to each), only the rest are queued. So queued never exceeds maxQueue
     * and running + starting never exceeds maxConcurrency, whatever the moment of the reading.
     *
     * @param running calls running
     * @param load calls accepted and not ended
     * @param maxConcurrency the adapter's bound on running calls
     * @return the split
     */
    static Occupancy of(int running, int load, int maxConcurrency) {
      int waiting = Math.max(0, load - running);
      int starting = Math.min(waiting, Math.max(0, maxConcurrency - running));
      return new Occupancy(running, starting, waiting - starting);
    }
  }

  /** Live threads of the adapter. */
  abstract int threads();

  /**
   * Reports calls running past the slow-call threshold; called by the watchdog.
   *
   * @param now the watchdog's clock
   */
  abstract void checkSlowCalls(long now);

  /**
   * The runtime's shutdown: closes the adapter and settles every call still waiting, which then
   * never runs (unlike {@link #close()} alone, which lets waiting calls run). Returns at once.
   */
  final void shutDown() {
    startsNoCall = true; // first: an idle worker must not run a call the drain below hands over
    Runnable drain = beforeShutDown;
    if (drain != null) {
      drain.run(); // the gate's waiting calls join the queue, and are settled with it below
    }
    close();
    abortWaitingCalls();
  }

  /** Settles every call still waiting (see {@link CallTask#abortBeforeStart}); returns at once. */
  abstract void abortWaitingCalls();

  /**
   * Shutdown, when the grace period has ended: fails the futures of the calls still running and
   * interrupts their threads (see {@link CallTask#abortRunning}). Returns at once.
   */
  abstract void abortRunningCalls();

  /**
   * The adapter's threads still alive, for the shutdown's report of those that ignore interrupts.
   *
   * @return live threads
   */
  abstract List<Thread> liveThreads();

  /** Why a call that never started failed. */
  String neverStartedMessage() {
    return describe() + " was shut down before this call started; the call never ran";
  }

  /** Why a call still running when the grace period ended failed. */
  String abortedMessage() {
    return describe() + " was shut down, and this call was still running when the grace period ended; its thread "
        + "was interrupted and its result, if any, is dropped";
  }

  /**
   * Waits until the adapter's threads have stopped, after {@link #close()}.
   *
   * @param nanos the longest wait
   * @return true if they all stopped
   */
  abstract boolean awaitTermination(long nanos) throws InterruptedException;

  RejectedException reject() {
    return reject(false);
  }

  /**
   * Counts, logs and describes a rejection.
   *
   * @param clogged the queue's room is taken by entries of calls dropped while they waited, which
   *     stay until a thread polls them; with every thread busy, none does
   */
  RejectedException reject(boolean clogged) {
    metrics.rejected.increment();
    Occupancy occupancy = occupancy();
    int running = occupancy.running();
    int waiting = occupancy.queued();
    RejectedException rejected = closed
        ? new RejectedException(describe() + " is closed: it accepts no more calls")
        : new RejectedException(describe() + " is saturated (" + running + "/" + settings.maxConcurrency()
            + " running, " + (occupancy.starting() > 0 ? occupancy.starting() + " starting, " : "")
            + waiting + "/" + settings.maxQueue() + " queued"
            + (clogged ? ", and its queue is full of calls cancelled or timed out while they waited, which its busy "
                + "threads have not cleared yet" : "")
            + "); raise " + settings.kind().concurrencySetting()
            + " or maxQueue if the system behind it can take more, or shed load upstream");
    long now = System.nanoTime();
    long next = nextSaturationWarning.get();
    if (!closed && now - next >= 0 && nextSaturationWarning.compareAndSet(next, now + SATURATION_WARNING_INTERVAL_NANOS)) {
      LOG.warn("{} ({} rejected so far; logged at most every {} while it lasts)", rejected.getMessage(),
          metrics.rejected.sum(), Throwables.formatNanos(SATURATION_WARNING_INTERVAL_NANOS));
    }
    RejectedCallEvent event = new RejectedCallEvent();
    if (event.shouldCommit()) {
      event.adapter = settings.name();
      event.running = running;
      event.queued = waiting;
      event.commit();
    }
    return rejected;
  }

  /**
   * A thread for this adapter could not be started (the JVM is out of native threads, or of memory
   * for their stacks): logs it, at most once per saturation-warning interval while it lasts. The
   * calls already accepted wait for the threads that are alive; see {@link #cannotStartThread} for
   * a call that no thread will take.
   *
   * @param cause what {@link Thread#start} threw
   * @param liveThreads the adapter's threads alive (or being started) after the failure
   */
  void threadStartFailed(Throwable cause, int liveThreads) {
    long now = System.nanoTime();
    long next = nextStartFailureWarning.get();
    if (now - next >= 0 && nextStartFailureWarning.compareAndSet(next, now + SATURATION_WARNING_INTERVAL_NANOS)) {
      LOG.warn("{} could not start a thread ({}); {} of its threads are alive: calls waiting are left to them, and "
          + "refused if none is left. {} (logged at most every {} while it lasts)", describe(), cause, liveThreads,
          threadLimitAdvice(),
          Throwables.formatNanos(SATURATION_WARNING_INTERVAL_NANOS));
    }
  }

  /**
   * Describes the refusal of a call that no thread will run: a thread could not be started for it,
   * and none of the adapter's threads will take it. Not counted here: a call refused as it is
   * submitted counts as rejected; one refused after it was accepted, as cancelled (see CallTask).
   *
   * @param cause what {@link Thread#start} threw
   * @return the refusal, with {@code cause} as its cause
   */
  RejectedException cannotStartThread(Throwable cause) {
    return new RejectedException(describe() + " could not start a thread to run this call (" + cause
        + "); the call never ran. " + threadLimitAdvice(), cause);
  }

  private String threadLimitAdvice() {
    return "This usually means the JVM is out of native threads or of memory for their stacks: raise the "
        + "process's limit (ulimit -u, a container's pids limit), lower the stack size (-Xss), or lower "
        + settings.kind().concurrencySetting() + " here and in the other adapters";
  }

  /** Reports {@code task} once if it has been running on {@code runner} past the slow-call threshold. */
  final void checkSlowCall(CallTask<?> task, Thread runner, long now) {
    if (task != null && !task.slowReported && runner != null && task.isRunning()
        && now - task.startedAt > settings.slowCallNanos()) {
      reportSlowCall(task, runner, now);
    }
  }

  void reportSlowCall(CallTask<?> task, Thread thread, long now) {
    task.slowReported = true;
    long runningFor = now - task.startedAt;
    StackTraceElement[] stack = thread.getStackTrace();
    StringBuilder text = new StringBuilder();
    for (StackTraceElement frame : stack) {
      text.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    LOG.warn("a call on {} has been running for {} (slowCallThreshold {}) on thread {}; it is at:{}", describe(),
        Throwables.formatNanos(runningFor), Throwables.formatNanos(settings.slowCallNanos()), thread.getName(), text);
    SlowCallEvent event = new SlowCallEvent();
    if (event.shouldCommit()) {
      event.adapter = settings.name();
      event.thread = thread.getName();
      event.runningMillis = runningFor / 1_000_000L;
      event.stack = text.toString();
      event.commit();
    }
  }

  void reportUncaught(Thread thread, Throwable failure) {
    runtime.reportUnhandled("thread " + thread.getName() + " of " + describe() + " died", failure);
  }

  String describe() {
    return settings.kind().inWords() + " '" + settings.name() + "'";
  }

  String threadNamePrefix() {
    return threadNamePrefix(runtime, settings);
  }

  /** How an adapter's threads are named: the runtime's name, the adapter's, and a number. */
  static String threadNamePrefix(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    return runtime.name() + "-" + settings.name() + "-";
  }

  @Override
  public final String name() {
    return settings.name();
  }

  @Override
  public final AdapterStats stats() {
    return metrics.snapshot(settings, queued(), threads());
  }

  @Override
  public String toString() {
    return describe();
  }
}
