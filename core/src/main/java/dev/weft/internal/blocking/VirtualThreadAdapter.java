package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Overview
 *
 * Admission: `load` counts calls accepted and not yet ended (waiting, on their way to a thread, or
 * running). A call is accepted only by CAS-incrementing it below maxConcurrency + maxQueue, as in
 * BoundedPool, so rejections start at exactly that many calls in flight. A call frees its slot when
 * it returns, before its promise completes (released), so a caller that calls again as soon as its
 * future completes is never refused for a call that has ended. (An earlier version bounded the
 * permits and the queued calls separately: a virtual thread that had taken a permit on its way to a
 * queued call counted that call twice, and a caller was refused - "0/2 running, 2/2 queued" - with
 * three calls of a 2 + 2 adapter in flight.)
 *
 * Threads: `permits` counts virtual threads running calls or on their way to one
 * (<= maxConcurrency). A call takes a permit by CAS and gets a new virtual thread; without one it
 * waits in the queue. A call returns its permit when it ends, before its promise completes. The
 * virtual thread then takes the next waiting call itself (no new thread, no hand-off) if it can take
 * a permit back; it also gives the permit back when it finds no live call to poll. Either way it
 * looks at the queue after it returns a permit, since a call may have queued after its last poll
 * while the permit still looked taken. A submitter likewise looks for a free permit after queuing.
 * So a waiting call always has a thread coming.
 *
 * A thread that cannot start gives its permit back, and its starter then looks at the queue as any
 * thread returning a permit does (calls may have queued while the permit looked taken): it starts a
 * thread for them if a permit is free; if that start fails too and no permit is held (so no thread
 * will look at the queue), it refuses the waiting calls through their futures, with the failure as
 * the cause. The submitter's own call is refused to it through its future, unless a thread has it.
 *
 * The queue: a linked queue, so an adapter allowed a million virtual threads reserves nothing for
 * calls that never wait. Live entries are bounded by `load`; a call dropped while it waited gives
 * its slot back at once but its entry stays until a thread polls and skips it. `entries` counts
 * entries offered and not yet polled, live or dropped, and is kept below the bound plus maxQueue:
 * only if more calls than that were dropped while every permit stays taken is a call refused below
 * the bound, with a message that says why (BoundedPool's limit too).
 */

/** A virtual thread per call, bounded by permits and a wait queue. */
public final class VirtualThreadAdapter extends AdapterBase {
  private final ThreadFactory threads;
  private final Queue<CallTask<?>> queue = new ConcurrentLinkedQueue<>();
  private final int bound; // maxConcurrency + maxQueue
  private final int maxEntries; // bound + maxQueue: room for maxQueue dropped entries not yet skipped
  private final AtomicInteger load = new AtomicInteger(); // accepted, not ended
  private final AtomicInteger permits = new AtomicInteger(); // virtual threads running or seeking a call
  private final AtomicInteger entries = new AtomicInteger(); // queue entries offered, not yet polled
  private final Set<CallTask<?>> running = ConcurrentHashMap.newKeySet(); // for slow-call checks and close

  private VirtualThreadAdapter(DefaultAsyncRuntime runtime, AdapterSettings settings, ThreadFactory threads) {
    super(runtime, settings);
    this.threads = threads;
    this.bound = settings.maxConcurrency() + settings.maxQueue();
    this.maxEntries = bound + settings.maxQueue();
  }

  /**
   * Starts a virtual-thread adapter on {@code runtime} and registers it there.
   *
   * @param runtime the runtime
   * @param settings checked settings
   * @return the adapter
   * @throws UnsupportedOperationException on a JVM older than 21
   */
  public static VirtualThreadAdapter start(AsyncRuntime runtime, AdapterSettings settings) {
    DefaultAsyncRuntime owner = DefaultAsyncRuntime.of(runtime, "a virtual-thread adapter");
    return start(owner, settings, VirtualThreads.factory(threadNamePrefix(owner, settings)));
  }

  /** As {@link #start(AsyncRuntime, AdapterSettings)}, with the threads {@code threads} makes (tests). */
  static VirtualThreadAdapter start(AsyncRuntime runtime, AdapterSettings settings, ThreadFactory threads) {
    DefaultAsyncRuntime owner = DefaultAsyncRuntime.of(runtime, "a virtual-thread adapter");
    VirtualThreadAdapter adapter = new VirtualThreadAdapter(owner, settings, threads);
    owner.adapters().register(adapter);
    return adapter;
  }

  @Override
  void admit(CallTask<?> task) {
    if (closed) {
      throw reject();
    }
    int current;
    do {
      current = load.get();
      if (current >= bound) {
        throw reject();
      }
    } while (!load.compareAndSet(current, current + 1));
    if (tryAcquirePermit()) {
      try {
        startThread(task);
      } catch (Throwable cannotStart) { // not accepted after all: the caller's future fails with why
        load.decrementAndGet();
        afterFailedStart(cannotStart);
        metrics.rejected.increment();
        throw cannotStartThread(cannotStart);
      }
      return;
    }
    if (entries.incrementAndGet() > maxEntries) {
      entries.decrementAndGet();
      load.decrementAndGet();
      throw reject(true); // the queue is full of dropped calls not yet skipped
    }
    queue.offer(task);
    if (tryAcquirePermit()) {
      try {
        startThread(null); // a permit came free while we queued: make sure someone serves the queue
      } catch (Throwable cannotStart) {
        boolean ownTakenBack = queue.remove(task); // false: a thread has it already, and it runs
        if (ownTakenBack) {
          entries.decrementAndGet();
          load.decrementAndGet();
        }
        afterFailedStart(cannotStart);
        if (ownTakenBack) {
          metrics.rejected.increment();
          throw cannotStartThread(cannotStart);
        }
      }
    }
  }

  private boolean tryAcquirePermit() {
    for (int current; (current = permits.get()) < settings.maxConcurrency(); ) {
      if (permits.compareAndSet(current, current + 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts a virtual thread with the permit just taken; if it cannot start, gives the permit back,
   * logs the failure and rethrows it: the caller must then call {@link #afterFailedStart}.
   */
  private void startThread(CallTask<?> first) {
    try {
      Thread thread = threads.newThread(() -> serve(first));
      thread.setUncaughtExceptionHandler(this::reportUncaught);
      thread.start();
    } catch (Throwable cannotStart) { // OutOfMemoryError, or a JVM that refuses new threads
      int held = permits.decrementAndGet();
      threadStartFailed(cannotStart, held);
      throw cannotStart;
    }
  }

  /**
   * A start failed and gave its permit back. Calls queued meanwhile may have counted on that permit
   * (their submitters found none free), so, as whoever gives a permit back does, look at the queue:
   * start a thread for it if a permit is free. If that start fails too while no other permit is held
   * (no thread will ever look at the queue), refuse the waiting calls, with the failure as the cause;
   * a permit still held means its thread, or its submitter, looks at the queue when it gives it back.
   */
  private void afterFailedStart(Throwable cause) {
    while (!queue.isEmpty() && tryAcquirePermit()) {
      try {
        startThread(null);
        return;
      } catch (Throwable again) {
        cause = again;
      }
      for (CallTask<?> task; permits.get() == 0 && (task = pollLive()) != null; ) {
        task.refuseBeforeStart(cannotStartThread(cause)); // false: dropped (cancel or timeout) since pollLive saw it
      }
      if (permits.get() > 0) {
        return;
      }
    }
  }

  /** The body of a virtual thread, which starts with a permit: its first call, then waiting calls. */
  private void serve(CallTask<?> first) {
    CallTask<?> task = first;
    for (;;) {
      if (task == null) {
        task = pollLive();
      }
      if (task == null) {
        permits.decrementAndGet();
      } else if (!runTask(task)) {
        task = null;
        continue; // dropped before it began: the permit is still ours
      }
      // The permit is back; a call may have queued while it still looked taken.
      if (queue.isEmpty() || !tryAcquirePermit()) {
        return;
      }
      task = null;
    }
  }

  private CallTask<?> pollLive() {
    for (CallTask<?> task; (task = queue.poll()) != null; ) {
      entries.decrementAndGet();
      if (task.state == CallTask.QUEUED) {
        return task; // may still be dropped before begin(); runTask handles that
      }
    }
    return null;
  }

  /** Runs the call; false if it was dropped before it began (the permit is then still held). */
  private boolean runTask(CallTask<?> task) {
    if (startsNoCall && task.abortBeforeStart(neverStartedMessage())) {
      return false; // taken as the runtime shut down: no call starts then; the permit is still ours
    }
    if (!task.begin(Thread.currentThread())) {
      return false; // dropped; the dropper freed its slot
    }
    running.add(task);
    try {
      task.execute(); // returns the permit (released) before it completes the promise
    } finally {
      running.remove(task);
      Thread.interrupted(); // a call that interrupted itself must not pass that on to the next call
    }
    return true;
  }

  @Override
  void dropped(CallTask<?> task) {
    load.decrementAndGet();
  }

  @Override
  void released(CallTask<?> task) {
    load.decrementAndGet();
    permits.decrementAndGet();
  }

  @Override
  int queued() {
    return occupancy().queued();
  }

  @Override
  Occupancy occupancy() {
    return Occupancy.of(metrics.active(), load.get(), settings.maxConcurrency());
  }

  @Override
  int threads() {
    return 0;
  }

  @Override
  void checkSlowCalls(long now) {
    for (CallTask<?> task : running) {
      checkSlowCall(task, task.runner(), now);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
  }

  @Override
  void abortWaitingCalls() {
    for (CallTask<?> task; (task = queue.poll()) != null; ) {
      entries.decrementAndGet();
      task.abortBeforeStart(neverStartedMessage());
    }
  }

  @Override
  void abortRunningCalls() {
    for (CallTask<?> task : running) {
      task.abortRunning(abortedMessage());
    }
  }

  @Override
  List<Thread> liveThreads() {
    List<Thread> live = new ArrayList<>();
    for (CallTask<?> task : running) {
      Thread runner = task.runner();
      if (runner != null && runner.isAlive()) {
        live.add(runner);
      }
    }
    return live;
  }

  @Override
  boolean awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (permits.get() > 0 || load.get() > 0) { // a thread between calls holds no permit for a moment
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return true;
  }
}
