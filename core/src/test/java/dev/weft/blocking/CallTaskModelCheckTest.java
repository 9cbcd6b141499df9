package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.internal.blocking.HeldCallAdapter;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import kotlin.Unit;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KFunction;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Model checks of a blocking call's state machine ({@code CallTask}, see its Overview): the worker
 * that begins and runs the call, {@code cancel()} and the timeout's timer, raced in every
 * interleaving Lincheck's model checker explores (bounded, seconds per test).
 *
 * <p><b>The harness.</b> The call goes through the real {@code AdapterBase.submit} into a
 * {@link HeldCallAdapter}, which admits it and holds it; the model's threads then play the parts
 * a live adapter runs on threads Lincheck cannot schedule: the worker ({@code begin} then
 * {@code execute}, as a pool worker or virtual thread does) and the timer (the timeout expiring,
 * which a live runtime runs on the home loop). The future's home loop belongs to a runtime closed
 * before the checks, so its callbacks run inline on the thread that completes it (see
 * PromiseModelCheckTest) and the timer the submitter would start is refused: only the model fires it.
 *
 * <p><b>What this covers:</b> a call dropped by a cancel or a timeout never begins; a call runs at
 * most once; its slot is freed exactly once, and before any callback of its future runs; each call's
 * outcome is counted exactly once and matches how its future settled; an interrupt reaches the
 * call only if it was cancelled or timed out, and never reaches the worker after the call has
 * ended (the INTERRUPTING handshake); with interruptOnCancel off, no interrupt at all.
 *
 * <p><b>What it does not cover:</b> the adapters' own queues, threads and admission counters (the
 * bounded pool's are being rewritten, and are stress-tested by BoundedPool*StressTest), the timer's
 * start and cancellation on a live loop, and slow-call reports. AdapterContractTest checks the
 * same outcomes end to end on every adapter.
 */
class CallTaskModelCheckTest {
  private static AsyncRuntime closedRuntime;
  /** Reports of callbacks that threw: the model's callbacks never throw. */
  private static final ConcurrentLinkedQueue<String> unexpectedReports = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void closeTheHomeRuntime() {
    closedRuntime = AsyncRuntime.builder().name("call-model").loops(1).shutdownGracePeriod(Duration.ZERO)
        .unhandledFailureHandler((description, failure) -> {
          if (!description.startsWith("a future failed and nobody observed")) {
            unexpectedReports.add(description + ": " + failure);
          }
        })
        .build();
    closedRuntime.close();
    HeldCallAdapter.warmUpTimeoutPath(closedRuntime);
  }

  @AfterAll
  static void noCallbackThrew() {
    assertThat(unexpectedReports).as("failures reported while the model ran").isEmpty();
  }

  @Test
  void workerCancelAndTimeoutRaceSafelyInEveryExploredInterleaving() {
    modelChecking()
        .iterations(10)
        .invocationsPerIteration(50)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(InterruptingCallModel.class);
  }

  @Test
  void theInterruptHandshakeHoldsWhenACancelHitsARunningCall() {
    // every interleaving of the worker (and its next call) against one cancel: small enough for
    // the model checker to explore completely within the bound
    modelChecking()
        .iterations(0)
        .invocationsPerIteration(400)
        .addCustomScenario(scenario -> {
          scenario.parallel(threads -> {
            threads.thread(thread -> {
              thread.actor(operation("worker"));
              thread.actor(operation("nextCallOnTheWorker"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("cancel"));
              return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
          });
          return Unit.INSTANCE;
        })
        .check(InterruptingCallModel.class);
  }

  @Test
  void theInterruptHandshakeHoldsWhenCancelAndTimeoutBothHitARunningCall() {
    modelChecking()
        .iterations(0)
        .invocationsPerIteration(400)
        .addCustomScenario(scenario -> {
          scenario.parallel(threads -> {
            threads.thread(thread -> {
              thread.actor(operation("worker"));
              thread.actor(operation("nextCallOnTheWorker"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("cancel"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("timeoutExpires"));
              return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
          });
          return Unit.INSTANCE;
        })
        .check(InterruptingCallModel.class);
  }

  @Test
  void aCancelRacingTheTimeoutOfAWaitingCallSettlesOnlyOnceTheSlotIsFree() {
    // The minimal scenario of a bug found by this model check: the timer moved the waiting call
    // QUEUED -> DROPPED, then a cancel() won the promise, found the call already dropped, and ran
    // the callbacks (and returned) before the timer freed the slot; a caller that called again at
    // once could be refused for a call that had ended, and stats still counted it queued.
    modelChecking()
        .iterations(0)
        .invocationsPerIteration(200)
        .addCustomScenario(scenario -> {
          scenario.parallel(threads -> {
            threads.thread(thread -> {
              thread.actor(operation("timeoutExpires"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("cancel"));
              return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
          });
          return Unit.INSTANCE;
        })
        .check(InterruptingCallModel.class);
  }

  @Test
  void aRefusalForWantOfAThreadRacingACancelAndTheWorkerSettlesOnce() {
    // The adapter that cannot start a thread takes a waiting call back (QUEUED -> DROPPING ->
    // DROPPED, as the timer does) while its caller cancels and a worker started meanwhile polls it.
    modelChecking()
        .iterations(0)
        .invocationsPerIteration(300)
        .addCustomScenario(scenario -> {
          scenario.parallel(threads -> {
            threads.thread(thread -> {
              thread.actor(operation("refusedForWantOfAThread"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("cancel"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("worker"));
              return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
          });
          return Unit.INSTANCE;
        })
        .check(InterruptingCallModel.class);
  }

  @Test
  void withoutInterruptOnCancelNoInterruptIsEverSent() {
    modelChecking()
        .iterations(6)
        .invocationsPerIteration(50)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(AbandoningCallModel.class);
  }

  private static ModelCheckingOptions modelChecking() {
    return new ModelCheckingOptions()
        // results are checked by the @Validate invariants, not linearizability: running a call is
        // not atomic, so "cancel won and the call ran" is a correct outcome no sequential run has
        .verifier(EpsilonVerifier.class)
        .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(CallTaskModelCheckTest::outsideTheStateMachine)
            .allMethods().treatAsAtomic());
  }

  /** Code outside the state machine, made atomic so every explored switch point is the call's own. */
  private static boolean outsideTheStateMachine(String className) {
    return className.startsWith("io.netty.")
        || className.startsWith("org.HdrHistogram.")
        || className.startsWith("java.lang.ref.")
        || className.startsWith("jdk.internal.ref.")
        || className.equals("java.util.concurrent.atomic.LongAdder")
        || className.equals("java.util.concurrent.atomic.Striped64")
        || className.equals("dev.weft.internal.context.ContextStorage");
  }

  private static KFunction<?> operation(String name) {
    return (KFunction<?>) JvmClassMappingKt.getKotlinClass(InterruptingCallModel.class).getMembers().stream()
        .filter(member -> member.getName().equals(name)).findFirst().orElseThrow();
  }

  /** The model with the default setting: a cancel or timeout interrupts a running call. */
  public static final class InterruptingCallModel extends CallModel {
    public InterruptingCallModel() {
      super(true);
    }
  }

  /** The model with interruptOnCancel off: a cancelled running call is abandoned, not interrupted. */
  public static final class AbandoningCallModel extends CallModel {
    public AbandoningCallModel() {
      super(false);
    }
  }

  /**
   * One accepted call, the parts that race over it, and the invariants of CallTask's Overview.
   * Lincheck makes a fresh instance per scenario and validates it after all operations ended.
   */
  public abstract static class CallModel {
    private final boolean interruptOnCancel;
    private final HeldCallAdapter adapter;
    private final Future<String> future;
    private final AtomicInteger callRuns = new AtomicInteger();
    private final AtomicInteger callbackRuns = new AtomicInteger();
    private volatile boolean callSawInterrupt;
    private volatile Boolean began; // the worker's begin(); null until the worker ran
    private volatile Thread worker;
    private volatile boolean interruptedAfterTheCall; // the worker's flag right after execute()
    private volatile boolean interruptedAtNextCall; // the worker's flag when it takes its next call

    CallModel(boolean interruptOnCancel) {
      this.interruptOnCancel = interruptOnCancel;
      adapter = HeldCallAdapter.create(closedRuntime, interruptOnCancel);
      adapter.watchCallbacks(() -> callbackRuns.get() > 0);
      future = adapter.call(() -> {
        callRuns.incrementAndGet();
        callSawInterrupt = Thread.currentThread().isInterrupted(); // where a blocking call would throw
        return "value";
      }, Duration.ofHours(1));
      future.onComplete((value, failure) -> callbackRuns.incrementAndGet());
    }

    /** A worker takes the call: begins it and, unless it was dropped, runs it to its end. */
    @Operation(runOnce = true)
    public void worker() {
      Thread.interrupted(); // as a pool's or virtual thread's loop does before each call
      worker = Thread.currentThread();
      began = adapter.beginAndRunHeldCall();
      interruptedAfterTheCall = Thread.interrupted();
    }

    /** The worker's next call: a late interrupt for the last one would be seen here. */
    @Operation(runOnce = true)
    public void nextCallOnTheWorker() {
      if (Thread.currentThread() == worker) {
        interruptedAtNextCall = Thread.interrupted();
      }
    }

    @Operation
    public boolean cancel() {
      return future.cancel();
    }

    /** The adapter could not start a thread and refuses the waiting call (at most once: one poll). */
    @Operation(runOnce = true)
    public void refusedForWantOfAThread() {
      adapter.refuseHeldCallForWantOfAThread();
    }

    /** The timeout's timer fires (at most once, as a timer does). */
    @Operation(runOnce = true)
    public void timeoutExpires() {
      adapter.expireHeldCallTimeout();
    }

    @Validate
    public void theOverviewsInvariantsHold() {
      String state = adapter.heldCallState();
      boolean ran = Boolean.TRUE.equals(began);
      check(callRuns.get() == (ran ? 1 : 0), "the call ran " + callRuns + " times; the worker "
          + (began == null ? "never came" : ran ? "began it" : "found it dropped"));
      if (ran) {
        check(state.equals("DONE"), "a call that ran ended in state " + state);
        check(adapter.releases() == 1 && adapter.drops() == 0, "a call that ran freed its slot "
            + adapter.releases() + " times by release, " + adapter.drops() + " by drop");
      } else if (state.equals("DROPPED")) {
        check(future.isDone() && future.isFailed(), "a dropped call's future is " + future);
        check(adapter.drops() == 1 && adapter.releases() == 0, "a dropped call freed its slot "
            + adapter.drops() + " times by drop, " + adapter.releases() + " by release");
      } else {
        check(state.equals("QUEUED"), "a call nobody began nor stopped is in state " + state);
        check(!future.isDone(), "a waiting call's future is " + future);
        check(adapter.drops() + adapter.releases() == 0, "a waiting call's slot was freed");
      }
      if (Boolean.FALSE.equals(began)) {
        check(state.equals("DROPPED"), "the worker found the call in state " + state + " and skipped it");
      }
      check(!adapter.callbacksRanBeforeDrop(), "a callback of the future ran before the dropped call's slot was freed");
      check(!adapter.callbacksRanBeforeRelease() || future.isFailed(),
          "a callback of the future ran before the runner freed the call's slot, and the runner's value settled it");
      check(callbackRuns.get() == (future.isDone() ? 1 : 0), "the future's callback ran " + callbackRuns + " times");

      AdapterStats stats = adapter.stats();
      long outcomes = stats.completed() + stats.failed() + stats.cancelled() + stats.timedOut();
      check(outcomes == (future.isDone() ? 1 : 0), "outcomes counted: " + stats);
      if (future.isDone()) {
        Throwable failure = future.isFailed() ? future.failureNow() : null;
        check(failure != null || ("value".equals(future.resultNow()) && stats.completed() == 1),
            "a successful call: " + stats);
        check(!(failure instanceof TimeoutException) || stats.timedOut() == 1, "a timed-out call: " + stats);
        check(!(failure instanceof CancellationException) || stats.cancelled() == 1, "a cancelled call: " + stats);
        check(!(failure instanceof RejectedException) || stats.cancelled() == 1,
            "a call refused after it was accepted counts as cancelled: " + stats);
      }
      check(stats.active() == 0 || !ran, "a finished call still counted running: " + stats);

      boolean stopped = future.isFailed();
      check(!callSawInterrupt || (interruptOnCancel && stopped),
          "the call was interrupted although " + (interruptOnCancel ? "nobody stopped it" : "interruptOnCancel is off"));
      check(!interruptedAfterTheCall, "the worker's interrupt flag was still set after the call ended");
      check(!interruptedAtNextCall, "an interrupt for the ended call reached the worker's next call");
      Thread workerThread = worker;
      check(workerThread == null || workerThread == Thread.currentThread() || !workerThread.isInterrupted(),
          "the worker thread was interrupted after the call ended");
    }

    private static void check(boolean holds, String violation) {
      if (!holds) {
        throw new IllegalStateException(violation);
      }
    }
  }
}
