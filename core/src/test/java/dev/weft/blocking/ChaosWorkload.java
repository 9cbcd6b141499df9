package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.RejectedException;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Many callers hammering one adapter with calls that succeed, fail, time out, get cancelled while
 * waiting or running, and get rejected, all at random; then the checks every adapter must pass.
 *
 * <p>Invariants: every accepted future settles; each outcome is counted exactly once in the
 * adapter's stats, matching what the futures saw; the adapter ends quiet (0 active, 0 queued); no
 * call starts with an interrupt meant for another call; every callback runs on its home loop.
 *
 * <p>Bounded in time ({@code budget}) and in calls per caller ({@code maxCallsPerCaller}).
 */
final class ChaosWorkload {
  private final BlockingAdapter adapter;
  private final int callers;
  private final int maxCallsPerCaller;
  private final Duration budget;
  private final Queue<Future<Boolean>> accepted = new ConcurrentLinkedQueue<>();
  private final Queue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicLong rejected = new AtomicLong();
  private Runnable stopFailingStarts; // null: thread starts never fail, so no call is refused after acceptance

  ChaosWorkload(BlockingAdapter adapter, int callers, int maxCallsPerCaller, Duration budget) {
    this.adapter = adapter;
    this.callers = callers;
    this.maxCallsPerCaller = maxCallsPerCaller;
    this.budget = budget;
  }

  /**
   * The adapter's thread starts fail now and then: an accepted call may also end refused for want
   * of a thread (a {@link RejectedException} caused by an {@link OutOfMemoryError}). Once every
   * future has settled, {@code stopFailing} runs, before the checks that fill the adapter.
   *
   * @param stopFailing makes the adapter's thread starts succeed again
   * @return this workload
   */
  ChaosWorkload withFailingThreadStarts(Runnable stopFailing) {
    this.stopFailingStarts = stopFailing;
    return this;
  }

  /** Runs the callers, then checks the invariants; returns the number of accepted calls. */
  long runAndCheck() throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + budget.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      Thread caller = new Thread(() -> callUntil(deadline), "chaos-caller-" + c);
      threads.add(caller);
      caller.start();
    }
    for (Thread caller : threads) {
      caller.join(budget.toMillis() + 10_000);
      assertThat(caller.isAlive()).as("%s finished within its budget", caller.getName()).isFalse();
    }

    long succeeded = 0;
    long failed = 0;
    long timedOut = 0;
    long cancelled = 0;
    long refusedLater = 0; // accepted, then refused unrun: no thread could be started for it
    long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // for all futures together
    for (Future<Boolean> future : accepted) {
      try {
        if (future.join(Duration.ofNanos(Math.max(0, settleDeadline - System.nanoTime())))) {
          violations.add("a call started with its thread interrupted, and its future did not end cancelled");
        }
        succeeded++;
      } catch (CancellationException e) {
        cancelled++;
      } catch (Exception e) {
        if (e instanceof TimeoutException && !future.isDone()) {
          violations.add("an accepted call never settled: " + future + "; " + adapter.stats());
        } else if (e instanceof TimeoutException) {
          timedOut++;
        } else if (e instanceof LegacyFailure) {
          failed++;
        } else if (stopFailingStarts != null && e instanceof RejectedException
            && e.getCause() instanceof OutOfMemoryError) {
          refusedLater++;
        } else {
          violations.add("unexpected failure " + e);
        }
      }
    }
    assertThat(violations).as("invariant violations").isEmpty();
    if (stopFailingStarts != null) {
      stopFailingStarts.run();
    }

    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.completed()).as("completed == futures that succeeded").isEqualTo(succeeded);
    assertThat(stats.failed()).as("failed == futures that failed with the call's exception").isEqualTo(failed);
    assertThat(stats.timedOut()).as("timedOut == futures that timed out").isEqualTo(timedOut);
    if (stopFailingStarts == null) {
      assertThat(stats.submitted()).as("submitted == accepted calls").isEqualTo(accepted.size());
      assertThat(stats.cancelled()).as("cancelled == futures cancelled").isEqualTo(cancelled);
      assertThat(stats.rejected()).as("rejected == futures refused with RejectedException").isEqualTo(rejected.get());
    } else {
      // A call accepted and refused for want of a thread before call() returned reads, to its
      // caller, like one refused as it was submitted: only the sums can be matched.
      assertThat(stats.submitted() + stats.rejected()).as("submitted + rejected == calls made")
          .isEqualTo(accepted.size() + rejected.get());
      assertThat(stats.cancelled() + stats.rejected()).as("cancelled + rejected == futures cancelled or refused")
          .isEqualTo(cancelled + refusedLater + rejected.get());
    }
    assertThat(stats.active()).as("active at the end").isZero();
    assertThat(stats.queued()).as("queued at the end").isZero();
    assertThat(stats.peakActive()).as("peak active").isLessThanOrEqualTo(stats.maxConcurrency());
    assertThat(stats.threads()).as("threads").isLessThanOrEqualTo(stats.maxConcurrency());
    WholeBound.assertFree(adapter);
    return accepted.size();
  }

  private void callUntil(long deadline) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < maxCallsPerCaller && System.nanoTime() - deadline < 0; i++) {
      int kind = random.nextInt(100);
      int workMicros = random.nextInt(0, 400);
      boolean sleeps = random.nextBoolean(); // interruptible, or a busy loop that ignores interrupts
      boolean fails = random.nextInt(10) == 0;
      Future<Boolean> future;
      if (kind < 30) {
        future = adapter.call(() -> work(workMicros, sleeps, fails), Duration.ofNanos(random.nextLong(50_000, 600_000)));
      } else {
        future = adapter.call(() -> work(workMicros, sleeps, fails));
      }
      if (future.isFailed() && future.failureNow() instanceof RejectedException) { // refused: failed at once
        rejected.incrementAndGet();
        LockSupport.parkNanos(random.nextLong(0, 200_000)); // back off, as a caller would
        continue;
      }
      future.onComplete((value, failure) -> {
        if (!future.home().inLoop()) {
          violations.add("a callback ran on " + Thread.currentThread().getName() + ", not on its home loop");
        }
      });
      accepted.add(future);
      if (kind >= 30 && kind < 55) {
        if (random.nextBoolean()) {
          LockSupport.parkNanos(random.nextLong(0, 300_000));
        }
        future.cancel();
      }
    }
  }

  /** The call: true if it started interrupted (an interrupt leaked from elsewhere, unless its own). */
  private static Boolean work(int micros, boolean sleeps, boolean fails) throws Exception {
    boolean interruptedAtStart = Thread.currentThread().isInterrupted();
    if (sleeps) {
      TimeUnit.MICROSECONDS.sleep(micros);
    } else {
      long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
      while (System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
    }
    if (fails) {
      throw new LegacyFailure();
    }
    return interruptedAtStart;
  }

  /** What a failing call throws. */
  static final class LegacyFailure extends Exception {
    private static final long serialVersionUID = 1L;

    LegacyFailure() {
      super("legacy failure", null, false, false);
    }
  }
}
