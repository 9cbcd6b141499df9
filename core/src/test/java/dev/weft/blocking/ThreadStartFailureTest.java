package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.ScriptedThreadStarts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An adapter whose threads cannot start (the JVM is out of native threads: a container's pids
 * limit, {@code ulimit -u}): every call is either run or refused with the reason through its
 * future, never left waiting for a thread that will not come, and the caller never sees an error
 * for a call that runs. Thread starts are scripted (fail, wait, or put off), so every interleaving
 * here is forced by latches, not by timing.
 */
class ThreadStartFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("tsf").loops(1).shutdownGracePeriod(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  private static OutOfMemoryError outOfThreads() {
    return new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits "
        + "reached");
  }

  private static AdapterSettings pool(String name, int maxThreads, int maxQueue) {
    return AdapterSettings.builder(name, AdapterKind.BOUNDED_POOL).maxConcurrency(maxThreads).maxQueue(maxQueue)
        .build();
  }

  private static void assertRefusedForWantOfAThread(Future<?> call, String adapter) {
    assertThatThrownBy(() -> call.join(WAIT))
        .as("the call's future fails with why")
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining(adapter)
        .hasMessageContaining("could not start a thread to run this call")
        .hasMessageContaining("the call never ran")
        .hasMessageContaining("pids limit")
        .hasCauseInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void aPoolThatCannotStartAThreadRefusesTheCallWithTheReasonAndGivesItsSlotBack() throws Exception {
    AtomicBoolean startsFail = new AtomicBoolean(true);
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, pool("no-threads", 2, 2), thread -> {
      if (startsFail.get()) {
        throw outOfThreads();
      }
      thread.start();
    });

    Future<String> call = adapter.call(() -> "ran");

    assertRefusedForWantOfAThread(call, "bounded pool 'no-threads'");
    AdapterStats stats = adapter.stats();
    assertThat(stats.threads()).as("threads").isZero();
    assertThat(stats.queued()).as("queued").isZero();
    assertThat(stats.rejected()).as("rejected").isEqualTo(1);

    startsFail.set(false);
    assertThat(adapter.call(() -> "ran").join(WAIT)).as("once threads start again").isEqualTo("ran");
    WholeBound.assertFree(adapter);
  }

  @Test
  void aCallQueuedBehindABusyWorkerWaitsForItWhenNoOtherThreadCanStart() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, pool("busy-worker", 2, 2), thread -> {
      if (starts.incrementAndGet() > 1) {
        throw outOfThreads();
      }
      thread.start();
    });
    Gate gate = new Gate();
    Future<String> busy;
    Future<Thread> waiting;
    try {
      busy = adapter.call(gate.call("busy"));
      gate.awaitEntered(1);
      waiting = adapter.call(Thread::currentThread); // its thread cannot start: it waits for the busy worker

      assertThat(starts.get()).as("a second thread was tried").isEqualTo(2);
      assertThat(waiting.isDone()).as("accepted, not refused, and not run yet").isFalse();
    } finally {
      gate.open();
    }

    assertThat(busy.join(WAIT)).isEqualTo("busy");
    assertThat(waiting.join(WAIT).getName()).as("run by the busy worker once free").startsWith("tsf-busy-worker-");
    assertThat(adapter.stats().threads()).as("threads").isEqualTo(1);
  }

  @Test
  void callsStrandedWhenTheLastThreadCannotStartAreAllRefused() throws Exception {
    CountDownLatch firstStartEntered = new CountDownLatch(1);
    CountDownLatch failFirstStart = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    AtomicBoolean startsFail = new AtomicBoolean(true);
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, pool("stranded", 2, 2), thread -> {
      if (!startsFail.get()) {
        thread.start();
        return;
      }
      if (starts.incrementAndGet() == 1) {
        firstStartEntered.countDown();
        awaitQuietly(failFirstStart); // the first start fails last, when the second call waits too
      }
      throw outOfThreads();
    });

    CompletableFuture<Future<String>> first = CompletableFuture.supplyAsync(() -> adapter.call(() -> "first"));
    assertThat(firstStartEntered.await(5, TimeUnit.SECONDS)).as("the first call's thread is starting").isTrue();
    // The first call's worker counts as coming, so the second call's submitter starts a second
    // thread, which fails at once; the first is still on its way, so the second call waits for it.
    Future<String> second = adapter.call(() -> "second");
    assertThat(second.isDone()).as("the second call waits for the thread on its way").isFalse();

    failFirstStart.countDown(); // now no thread is left: both calls are stranded
    assertRefusedForWantOfAThread(first.get(5, TimeUnit.SECONDS), "bounded pool 'stranded'");
    assertRefusedForWantOfAThread(second, "bounded pool 'stranded'");
    AdapterStats stats = adapter.stats();
    assertThat(stats.rejected()).as("rejected: the call refused as it was submitted").isEqualTo(1);
    assertThat(stats.cancelled()).as("cancelled: the call accepted, then settled unrun").isEqualTo(1);
    assertThat(stats.submitted()).as("submitted: the second call").isEqualTo(1);
    assertThat(stats.queued()).as("queued").isZero();

    startsFail.set(false);
    WholeBound.assertFree(adapter);
  }

  @Test
  void aWorkerWhoseHandOnCannotStartAThreadStillRunsItsCallAndTheNext() throws Exception {
    AtomicReference<Thread> putOff = new AtomicReference<>();
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, pool("hand-on", 2, 2), thread -> {
      if (!putOff.compareAndSet(null, thread)) {
        throw outOfThreads();
      }
      // the first worker's thread starts only when the test says, with two calls waiting for it
    });
    Future<String> first = adapter.call(() -> "first");
    Future<String> second = adapter.call(() -> "second"); // its own start fails; the first worker is on its way

    putOff.get().start(); // takes `first`, sees `second` waiting, tries to start a thread for it: fails

    assertThat(first.join(WAIT)).as("the call the worker had taken").isEqualTo("first");
    assertThat(second.join(WAIT)).as("the call behind it").isEqualTo("second");
    assertThat(adapter.stats().rejected()).as("rejected").isZero();
  }

  @Test
  void aCallLeftToAThreadThatCannotStartIsTakenByAnIdleWorker() throws Exception {
    CountDownLatch secondStartEntered = new CountDownLatch(1);
    CountDownLatch failSecondStart = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    AdapterSettings settings = AdapterSettings.builder("idle-stand-in", AdapterKind.BOUNDED_POOL).maxConcurrency(2)
        .maxQueue(2).spinBeforePark(Duration.ZERO).keepAlive(Duration.ofMinutes(1)).build();
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, settings, thread -> {
      if (starts.incrementAndGet() == 2) {
        secondStartEntered.countDown();
        awaitQuietly(failSecondStart);
        throw outOfThreads();
      }
      thread.start();
    });
    CountDownLatch busyEntered = new CountDownLatch(1);
    CountDownLatch releaseBusy = new CountDownLatch(1);
    Future<Thread> busy = adapter.call(() -> {
      busyEntered.countDown();
      awaitQuietly(releaseBusy);
      return Thread.currentThread();
    });
    assertThat(busyEntered.await(5, TimeUnit.SECONDS)).as("the first worker runs a call").isTrue();
    // The only worker is busy, so this call's submitter starts a second thread (held in its start)
    CompletableFuture<Future<String>> first = CompletableFuture.supplyAsync(() -> adapter.call(() -> "first"));
    assertThat(secondStartEntered.await(5, TimeUnit.SECONDS)).as("the second thread is starting").isTrue();
    releaseBusy.countDown();
    Thread worker = busy.join(WAIT);
    awaitParked(worker); // it took "first" on its way, and has nothing left to do

    // The second thread still counts as coming, so this submitter leaves its call to it
    Future<String> second = adapter.call(() -> "second");
    failSecondStart.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS).join(WAIT)).isEqualTo("first");
    assertThat(second.join(WAIT)).as("run by the idle worker, not after its keep-alive of a minute")
        .isEqualTo("second");
    assertThat(adapter.stats().rejected()).as("rejected").isZero();
  }

  @Test
  void aPoolStartsAsManyPrestartedThreadsAsItCanAndStartsTheRestOnDemand() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    AdapterSettings settings = AdapterSettings.builder("prestart", AdapterKind.BOUNDED_POOL).maxConcurrency(4)
        .maxQueue(2).prestartThreads(3).build();
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, settings, thread -> {
      if (starts.incrementAndGet() == 2) {
        throw outOfThreads(); // the second of three pre-started threads
      }
      thread.start();
    });

    assertThat(adapter.stats().threads()).as("pre-started threads: the first; the rest were given up").isEqualTo(1);
    WholeBound.assertFree(adapter);
  }

  @Test
  void aVirtualThreadThatCannotStartRefusesItsCallAndGivesItsPermitBack() throws Exception {
    AtomicBoolean startsFail = new AtomicBoolean(true);
    AdapterSettings settings = AdapterSettings.builder("vt-no-threads", AdapterKind.VIRTUAL_THREADS)
        .maxConcurrency(2).maxQueue(2).build();
    BlockingAdapter adapter = ScriptedThreadStarts.virtualThreads(runtime, settings, () -> {
      if (startsFail.get()) {
        throw outOfThreads();
      }
    });

    assertRefusedForWantOfAThread(adapter.call(() -> "ran"), "'vt-no-threads'");
    assertThat(adapter.stats().rejected()).as("rejected").isEqualTo(1);

    startsFail.set(false);
    assertThat(adapter.call(() -> "ran").join(WAIT)).isEqualTo("ran");
    WholeBound.assertFree(adapter);
  }

  @Test
  void aCallQueuedWhileAVirtualThreadFailsToStartIsServedByTheNextOne() throws Exception {
    CountDownLatch firstStartEntered = new CountDownLatch(1);
    CountDownLatch failFirstStart = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    AdapterSettings settings = AdapterSettings.builder("vt-next", AdapterKind.VIRTUAL_THREADS)
        .maxConcurrency(1).maxQueue(2).build();
    BlockingAdapter adapter = ScriptedThreadStarts.virtualThreads(runtime, settings, () -> {
      if (starts.incrementAndGet() == 1) {
        firstStartEntered.countDown();
        awaitQuietly(failFirstStart);
        throw outOfThreads();
      }
    });

    CompletableFuture<Future<String>> first = CompletableFuture.supplyAsync(() -> adapter.call(() -> "first"));
    assertThat(firstStartEntered.await(5, TimeUnit.SECONDS)).as("the first call's thread is starting").isTrue();
    Future<String> second = adapter.call(() -> "second"); // the only permit is taken: it waits
    failFirstStart.countDown();

    assertRefusedForWantOfAThread(first.get(5, TimeUnit.SECONDS), "'vt-next'");
    assertThat(second.join(WAIT)).as("a thread started for the waiting call").isEqualTo("second");
    WholeBound.assertFree(adapter);
  }

  @Test
  void callsQueuedWhenNoVirtualThreadCanStartAreRefused() throws Exception {
    CountDownLatch firstStartEntered = new CountDownLatch(1);
    CountDownLatch failFirstStart = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    AtomicBoolean startsFail = new AtomicBoolean(true);
    AdapterSettings settings = AdapterSettings.builder("vt-stranded", AdapterKind.VIRTUAL_THREADS)
        .maxConcurrency(1).maxQueue(2).build();
    BlockingAdapter adapter = ScriptedThreadStarts.virtualThreads(runtime, settings, () -> {
      if (startsFail.get()) {
        if (starts.incrementAndGet() == 1) {
          firstStartEntered.countDown();
          awaitQuietly(failFirstStart);
        }
        throw outOfThreads();
      }
    });

    CompletableFuture<Future<String>> first = CompletableFuture.supplyAsync(() -> adapter.call(() -> "first"));
    assertThat(firstStartEntered.await(5, TimeUnit.SECONDS)).as("the first call's thread is starting").isTrue();
    Future<String> second = adapter.call(() -> "second");
    Future<String> third = adapter.call(() -> "third");
    failFirstStart.countDown(); // and the start tried for the waiting calls fails too

    assertRefusedForWantOfAThread(first.get(5, TimeUnit.SECONDS), "'vt-stranded'");
    assertRefusedForWantOfAThread(second, "'vt-stranded'");
    assertRefusedForWantOfAThread(third, "'vt-stranded'");
    AdapterStats stats = adapter.stats();
    assertThat(stats.rejected()).as("rejected: the call refused as it was submitted").isEqualTo(1);
    assertThat(stats.cancelled()).as("cancelled: the calls accepted, then settled unrun").isEqualTo(2);

    startsFail.set(false);
    WholeBound.assertFree(adapter);
  }

  /** Waits until {@code worker} is parked (a pool worker with nothing to do parks with a timeout). */
  private static void awaitParked(Thread worker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (worker.getState() != Thread.State.TIMED_WAITING) {
      assertThat(System.nanoTime() - deadline < 0).as("the worker parks within 5 s: %s", worker.getState()).isTrue();
      Thread.sleep(1);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never let the first start fail");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
