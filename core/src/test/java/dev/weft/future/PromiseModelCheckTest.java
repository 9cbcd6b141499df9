package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.LoopImpl;
import java.lang.reflect.Field;
import kotlin.Unit;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KFunction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Model checks of {@link DefaultPromise}'s state machine (see its Overview): completion by
 * {@code complete}/{@code fail}/{@code cancel}, callback registration, cancel hooks and the
 * "observed failure" hand-shake, raced in every interleaving Lincheck's model checker explores
 * (bounded: a few hundred scenarios, each with many interleavings, in seconds).
 *
 * <p><b>The harness.</b> A promise hands its callbacks to its home loop, a thread Lincheck cannot
 * schedule. Here the promise is homed on a loop of a runtime that was closed before the checks:
 * {@code LoopImpl.dispatch} then runs the hand-off on the calling thread, so every drain and every
 * late registration's callback runs inline on the completing or registering thread, and the whole
 * state machine is on threads Lincheck controls, deterministic and replayable.
 *
 * <p><b>What this covers:</b> that exactly one completer wins and the others learn they lost; that
 * every callback registered (before, during or after completion, on any thread) runs exactly once
 * once the promise is done, sees the winning result, and never runs while the promise is pending;
 * that cancel hooks run exactly once when (and only when) {@code cancel()} won, and never for a
 * {@code fail(CancellationException)}; that a derived future ({@code map}) settles with its
 * source, and a {@code flatMap} (a derived promise that, once its function ran, waits on the
 * inner future as that future's callback, or adopts it when it is done) settles with the inner
 * future, racing its completion; that a failure a consumer registered for is never left watched as "unobserved" (the
 * {@code observed}/{@code result} Dekker hand-shake); and that the promise's public state
 * ({@code isDone}, {@code isCancelled}, {@code isFailed}) is linearizable.
 *
 * <p><b>What it does not cover:</b> which thread runs a callback and the order of callbacks
 * across the drain boundary. On a live loop both follow from the loop serialising every firing
 * (the drain and late registrations are loop tasks); here they run inline on whichever thread got
 * there, so that ordering is not the loop's and is not asserted. The inline-depth bound on a loop
 * thread, timers ({@code orTimeout}) and {@code join()}'s parking are not modelled either; those
 * are covered by CallbackThreadingTest, LongChainTest, TimeoutTest, JoinTest and PromiseStressTest.
 */
class PromiseModelCheckTest {
  private static AsyncRuntime closedRuntime;
  private static LoopImpl terminatedLoop;
  /** Reports of callbacks or hooks that threw: the model's own callbacks never throw. */
  private static final ConcurrentLinkedQueue<String> thrownByCallbacks = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void terminateAHomeLoop() {
    closedRuntime = AsyncRuntime.builder().name("promise-model").loops(1).shutdownGracePeriod(Duration.ZERO)
        .unhandledFailureHandler((description, failure) -> {
          // unobserved failures of promises nobody consumed are expected at collection; anything
          // else means a callback or hook of the model threw
          if (!description.startsWith("a future failed and nobody observed")) {
            thrownByCallbacks.add(description + ": " + failure);
          }
        })
        .build();
    terminatedLoop = LoopImpl.of(closedRuntime.nextLoop(), "the promise model check");
    closedRuntime.close();
  }

  @AfterAll
  static void noCallbackThrew() {
    assertThat(thrownByCallbacks).as("failures the model's callbacks or hooks reported").isEmpty();
  }

  @Test
  void completionAndCallbackRegistrationAreRaceFreeInEveryExploredInterleaving() {
    assertThat(new DefaultPromise<String>(terminatedLoop).home().inLoop())
        .as("the harness: the home loop has terminated, so hand-offs run inline").isFalse();
    modelChecking()
        .iterations(10)
        .invocationsPerIteration(60)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(PromiseModel.class);
  }

  @Test
  void aRegistrationRacingTwoCompletersRunsExactlyOnce() {
    // the narrowest race of the Overview, every interleaving of it: a registration against the
    // winner's swap of the callback stack, and a losing completer in between
    modelChecking()
        .iterations(0)
        .invocationsPerIteration(400)
        .addCustomScenario(scenario -> {
          scenario.initial(thread -> {
            thread.actor(operation("onComplete"));
            return Unit.INSTANCE;
          });
          scenario.parallel(threads -> {
            threads.thread(thread -> {
              thread.actor(operation("complete"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("onComplete"));
              thread.actor(operation("onCancel"));
              return Unit.INSTANCE;
            });
            threads.thread(thread -> {
              thread.actor(operation("cancel"));
              thread.actor(operation("map"));
              return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
          });
          return Unit.INSTANCE;
        })
        .check(PromiseModel.class);
  }

  /**
   * Model checking with the code outside the state machine treated as atomic, so that every
   * explored switch point is one of the promise's own: Netty's refusal of a task on a terminated
   * loop, the Cleaner behind unobserved-failure watches, the thread-confined context storage, and
   * the model's own bookkeeping.
   */
  private static ModelCheckingOptions modelChecking() {
    return new ModelCheckingOptions()
        .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(PromiseModelCheckTest::outsideTheStateMachine)
            .allMethods().treatAsAtomic());
  }

  private static boolean outsideTheStateMachine(String className) {
    return className.startsWith("io.netty.")
        || className.startsWith("java.lang.ref.")
        || className.startsWith("jdk.internal.ref.")
        || className.equals("dev.weft.internal.context.ContextStorage")
        || className.equals("java.util.concurrent.CopyOnWriteArrayList");
  }

  private static KFunction<?> operation(String name) {
    return (KFunction<?>) JvmClassMappingKt.getKotlinClass(PromiseModel.class).getMembers().stream()
        .filter(member -> member.getName().equals(name)).findFirst().orElseThrow();
  }

  /**
   * One promise and what the model expects of it. Lincheck makes a fresh instance per scenario,
   * runs the {@link Operation}s from several threads, compares their results with a sequential
   * run, and calls {@link #everyCallbackRanExactlyOnceAndSawTheWinner()} at the end.
   */
  public static final class PromiseModel {
    private static final String VALUE = "value";
    private static final int INNER_VALUE = 7;
    private static final IllegalStateException FAILURE = new IllegalStateException("failed by the model");

    private final DefaultPromise<String> promise = new DefaultPromise<>(terminatedLoop);
    private final AtomicInteger wins = new AtomicInteger();
    private final AtomicReference<String> winner = new AtomicReference<>(); // "complete", "fail" or "cancel"
    private final List<AtomicInteger> callbackRuns = new CopyOnWriteArrayList<>();
    private final List<AtomicReference<String>> callbackSaw = new CopyOnWriteArrayList<>();
    private final List<AtomicInteger> hookRuns = new CopyOnWriteArrayList<>();
    private final List<Future<Integer>> derived = new CopyOnWriteArrayList<>();
    /** What every flatMap's function returns: a second promise, completed by its own operation. */
    private final DefaultPromise<Integer> inner = new DefaultPromise<>(terminatedLoop);
    private final List<Future<Integer>> flatMapped = new CopyOnWriteArrayList<>();
    private volatile boolean consumerRegistered;

    @Operation
    public boolean complete() {
      return won(promise.complete(VALUE), "complete");
    }

    @Operation
    public boolean fail() {
      return won(promise.fail(FAILURE), "fail");
    }

    @Operation
    public boolean cancel() {
      return won(promise.cancel(), "cancel");
    }

    /** A producer that gives up with a CancellationException of its own: not a cancel(). */
    @Operation
    public boolean failWithCancellation() {
      return won(promise.fail(new CancellationException("the producer gave up")), "fail");
    }

    private boolean won(boolean won, String how) {
      if (won) {
        wins.incrementAndGet();
        winner.set(how);
      }
      return won;
    }

    @Operation
    public void onComplete() {
      AtomicInteger runs = new AtomicInteger();
      AtomicReference<String> saw = new AtomicReference<>();
      callbackRuns.add(runs);
      callbackSaw.add(saw);
      consumerRegistered = true;
      promise.onComplete((value, failure) -> {
        runs.incrementAndGet();
        saw.set(failure == null ? "value " + value : failure.toString());
      });
    }

    @Operation
    public void onCancel() {
      AtomicInteger runs = new AtomicInteger();
      hookRuns.add(runs);
      promise.onCancel(runs::incrementAndGet);
    }

    @Operation
    public void map() {
      consumerRegistered = true;
      derived.add(promise.map(String::length));
    }

    /** A derived future that waits on its inner future as its own callback (RELAY), or adopts it. */
    @Operation
    public void flatMap() {
      consumerRegistered = true;
      flatMapped.add(promise.flatMap(value -> inner));
    }

    @Operation
    public boolean completeInner() {
      return inner.complete(INNER_VALUE);
    }

    @Operation
    public boolean isDone() {
      return promise.isDone();
    }

    @Operation
    public boolean isCancelled() {
      return promise.isCancelled();
    }

    @Validate
    public void everyCallbackRanExactlyOnceAndSawTheWinner() throws ReflectiveOperationException {
      boolean done = promise.isDone();
      if (done && promise.isFailed() && consumerRegistered) { // before failureNow() below, which observes
        check(!stillWatchedAsUnobserved(promise),
            "a failure whose consumer registered before the end is still watched as unobserved");
      }
      check(wins.get() == (done ? 1 : 0), "completers that won: " + wins + " (done: " + done + ")");
      String expected = done ? outcomeSeenByCallbacks() : null;
      for (int i = 0; i < callbackRuns.size(); i++) {
        int runs = callbackRuns.get(i).get();
        check(runs == (done ? 1 : 0), "callback " + i + " ran " + runs + " times (done: " + done + ")");
        check(!done || expected.equals(callbackSaw.get(i).get()),
            "callback " + i + " saw " + callbackSaw.get(i).get() + ", the winner was " + winner.get());
      }
      boolean cancelWon = "cancel".equals(winner.get());
      for (int i = 0; i < hookRuns.size(); i++) {
        int runs = hookRuns.get(i).get();
        check(runs == (cancelWon ? 1 : 0), "cancel hook " + i + " ran " + runs + " times (winner: " + winner + ")");
      }
      for (Future<Integer> mapped : derived) {
        check(mapped.isDone() == done, "a derived future is " + (mapped.isDone() ? "done" : "pending")
            + " while its source is " + (done ? "done" : "pending"));
        check(!done || mapped.isFailed() == promise.isFailed(), "a derived future's outcome differs from its source's");
      }
      for (Future<Integer> chained : flatMapped) {
        boolean settles = done && (promise.isFailed() || inner.isDone());
        check(chained.isDone() == settles, "a flatMapped future is " + (chained.isDone() ? "done" : "pending")
            + " (source done: " + done + ", inner done: " + inner.isDone() + ")");
        check(!settles || chained.isFailed() == promise.isFailed(), "a flatMapped future's outcome differs");
        check(!settles || promise.isFailed() || chained.resultNow() == INNER_VALUE,
            "a flatMapped future did not take its inner future's value");
      }
    }

    private String outcomeSeenByCallbacks() {
      if (!promise.isFailed()) {
        return "value " + VALUE;
      }
      return promise.failureNow().toString();
    }

    private static void check(boolean holds, String violation) {
      if (!holds) {
        throw new IllegalStateException(violation);
      }
    }
  }

  /** Reads the failure box's watch: non-null and not observed means a report at collection. */
  static boolean stillWatchedAsUnobserved(DefaultPromise<?> promise) throws ReflectiveOperationException {
    Object box = field(DefaultPromise.class, "result").get(promise);
    boolean observed = (boolean) field(box.getClass(), "observed").get(box);
    Object watch = field(box.getClass(), "watch").get(box);
    return watch != null && !observed;
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }
}
