package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Test support for the model check of {@link CallTask} (dev.weft.blocking.CallTaskModelCheckTest),
 * which needs this package's access: an adapter that admits one call and holds it, so that the
 * test's threads play the adapter's parts (a worker that begins and runs it, a timer that fires)
 * while the real {@code AdapterBase.submit}, {@code CallTask} and promise do the rest.
 *
 * <p>It counts what a real adapter's slot accounting sees: how often a call's slot was freed by a
 * drop or a release, and whether any callback of the call's future had already run then (the
 * Overview's "slot before promise"). It has no queue, no threads and no admission counters of its
 * own, so the bounded pool's counters are not part of the model.
 */
public final class HeldCallAdapter extends AdapterBase {
  private static final Method TIMEOUT_EXPIRED;

  static {
    try {
      TIMEOUT_EXPIRED = CallTask.class.getDeclaredMethod("timeoutExpired");
      TIMEOUT_EXPIRED.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile CallTask<?> held; // the admitted call, until the model's worker or timer acts on it
  private final AtomicInteger drops = new AtomicInteger(); // dropped(): slot freed by a cancel or timeout
  private final AtomicInteger releases = new AtomicInteger(); // released(): slot freed by the runner
  private volatile boolean callbacksRanBeforeDrop; // a violation of "slot before promise"
  private volatile boolean callbacksRanBeforeRelease; // a violation unless another party settled the future first
  private volatile BooleanSupplier callbacksRan = () -> false;

  private HeldCallAdapter(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    super(runtime, settings);
  }

  /**
   * An adapter on {@code runtime}, not registered there.
   *
   * @param runtime the runtime whose loops home the calls' futures
   * @param interruptOnCancel whether a cancel or timeout interrupts a running call
   * @return the adapter
   */
  public static HeldCallAdapter create(AsyncRuntime runtime, boolean interruptOnCancel) {
    AdapterSettings settings = AdapterSettings.builder("held", AdapterKind.BOUNDED_POOL)
        .interruptOnCancel(interruptOnCancel).build();
    return new HeldCallAdapter(DefaultAsyncRuntime.of(runtime, "the CallTask model check"), settings);
  }

  /**
   * Runs the timeout path once outside the model checker, with more reflective calls than the
   * JDK's reflection inflation threshold: class initialisation (the locale data behind the
   * timeout's message) and the generation of reflection accessors happen once per JVM, and inside
   * the model checker they would make the first explored interleavings differ from their replays.
   *
   * @param runtime the runtime of the model
   */
  public static void warmUpTimeoutPath(AsyncRuntime runtime) {
    HeldCallAdapter adapter = create(runtime, true);
    adapter.call(() -> "warm-up", java.time.Duration.ofHours(1));
    for (int i = 0; i < 32; i++) {
      adapter.expireHeldCallTimeout(); // the first drops the call and fails its future; the rest find it done
    }
    if (!adapter.heldCallState().equals("DROPPED")) {
      throw new IllegalStateException("the warm-up timeout did not drop its call: " + adapter.heldCallState());
    }
  }

  /**
   * Tells the adapter how to learn whether a callback of the held call's future has run.
   *
   * @param ran true once some callback ran
   */
  public void watchCallbacks(BooleanSupplier ran) {
    callbacksRan = ran;
  }

  /**
   * The worker's part: begins the held call on the calling thread and runs it, as a pool worker does.
   *
   * @return false if the call was dropped before it could begin
   */
  public boolean beginAndRunHeldCall() {
    CallTask<?> task = held;
    if (!task.begin(Thread.currentThread())) {
      return false;
    }
    task.execute();
    return true;
  }

  /**
   * The part of an adapter that could not start a thread for the held call, and has none left to
   * run it: refuses the call if it has not begun.
   *
   * @return false if it had begun, or was dropped, already
   */
  public boolean refuseHeldCallForWantOfAThread() {
    return held.refuseBeforeStart(new RejectedException("the model's adapter could not start a thread"));
  }

  /** The timer's part: the held call's timeout expires now. */
  public void expireHeldCallTimeout() {
    try {
      TIMEOUT_EXPIRED.invoke(held);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("timeoutExpired() threw " + e.getCause(), e.getCause());
    }
  }

  /**
   * The held call's state, as one of the names in CallTask's Overview.
   *
   * @return QUEUED, RUNNING, INTERRUPTING, INTERRUPTED, DONE, DROPPING or DROPPED
   */
  public String heldCallState() {
    switch (held.state) {
      case CallTask.QUEUED: return "QUEUED";
      case CallTask.RUNNING: return "RUNNING";
      case CallTask.INTERRUPTING: return "INTERRUPTING";
      case CallTask.INTERRUPTED: return "INTERRUPTED";
      case CallTask.DONE: return "DONE";
      case CallTask.DROPPED: return "DROPPED";
      case CallTask.DROPPING: return "DROPPING";
      default: return "unknown state " + held.state;
    }
  }

  /**
   * How often the held call's slot was freed by a drop (cancel or timeout while it waited).
   *
   * @return the count
   */
  public int drops() {
    return drops.get();
  }

  /**
   * How often the held call's slot was freed by its runner.
   *
   * @return the count
   */
  public int releases() {
    return releases.get();
  }

  /**
   * Whether a callback of the call's future had run when a drop freed its slot.
   *
   * @return true on a violation
   */
  public boolean callbacksRanBeforeDrop() {
    return callbacksRanBeforeDrop;
  }

  /**
   * Whether a callback of the call's future had run when its runner freed its slot: a violation
   * if the runner's own result settled the future, expected if a cancel or timeout settled it
   * while the call still ran (the call had not ended, so its slot was rightly still taken).
   *
   * @return whether callbacks ran first
   */
  public boolean callbacksRanBeforeRelease() {
    return callbacksRanBeforeRelease;
  }

  @Override
  void admit(CallTask<?> task) {
    held = task; // accepted: it waits for the model's worker
  }

  @Override
  void dropped(CallTask<?> task) {
    if (callbacksRan.getAsBoolean()) {
      callbacksRanBeforeDrop = true;
    }
    drops.incrementAndGet();
  }

  @Override
  void released(CallTask<?> task) {
    if (callbacksRan.getAsBoolean()) {
      callbacksRanBeforeRelease = true;
    }
    releases.incrementAndGet();
  }

  @Override
  int queued() {
    return 0;
  }

  @Override
  int threads() {
    return 0;
  }

  @Override
  void checkSlowCalls(long now) {}

  @Override
  public void close() {
    closed = true;
  }

  @Override
  boolean awaitTermination(long nanos) {
    return true;
  }

  @Override
  void abortWaitingCalls() {} // the model holds its one call itself: shutdown is not part of it

  @Override
  void abortRunningCalls() {}

  @Override
  java.util.List<Thread> liveThreads() {
    return java.util.List.of();
  }
}
