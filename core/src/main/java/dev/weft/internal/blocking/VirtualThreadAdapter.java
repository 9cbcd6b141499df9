package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.MpmcArrayQueue;

/*
 * Overview: `permits` counts virtual threads running or about to run calls (<= maxConcurrency). A
 * call takes a permit by CAS and gets a new virtual thread; without one it waits in the queue,
 * whose exact bound is `waiting` (CAS-incremented below maxQueue; a dropped call gives its slot
 * back at once). A call returns its permit when it ends, before its promise completes (released),
 * so its caller can call again at once. The virtual thread then takes the next waiting call itself
 * (no new thread, no hand-off) if it can take a permit back; it also gives the permit back when it
 * finds no live call to poll. Either way it looks at the queue after it returns a permit, since a
 * call may have queued after its last poll while the permit still looked taken. A submitter
 * likewise looks for a free permit after queuing. So a waiting call always has a thread coming.
 */

/** A virtual thread per call, bounded by permits and a wait queue. */
public final class VirtualThreadAdapter extends AdapterBase {
  private final ThreadFactory threads;
  private final MpmcArrayQueue<CallTask<?>> queue;
  private final AtomicInteger permits = new AtomicInteger(); // calls holding a virtual thread
  private final AtomicInteger waiting = new AtomicInteger(); // calls queued, not dropped, not begun
  private final Set<CallTask<?>> running = ConcurrentHashMap.newKeySet(); // for slow-call checks and close

  private VirtualThreadAdapter(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    super(runtime, settings);
    this.threads = VirtualThreads.factory(threadNamePrefix());
    this.queue = new MpmcArrayQueue<>(Math.max(2, 2 * settings.maxQueue()));
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
    VirtualThreadAdapter adapter = new VirtualThreadAdapter(owner, settings);
    owner.adapters().register(adapter);
    return adapter;
  }

  @Override
  void admit(CallTask<?> task) {
    if (closed) {
      throw reject();
    }
    if (tryAcquirePermit()) {
      startThread(task);
      return;
    }
    int current;
    do {
      current = waiting.get();
      if (current >= settings.maxQueue()) {
        throw reject();
      }
    } while (!waiting.compareAndSet(current, current + 1));
    task.waited = true;
    if (!queue.offer(task)) {
      waiting.decrementAndGet();
      throw reject(true); // the queue is full of dropped calls not yet skipped
    }
    if (tryAcquirePermit()) {
      startThread(null); // a permit came free while we queued: make sure someone serves the queue
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

  private void startThread(CallTask<?> first) {
    Thread thread = threads.newThread(() -> serve(first));
    thread.setUncaughtExceptionHandler(this::reportUncaught);
    thread.start();
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
    if (task.waited) {
      waiting.decrementAndGet();
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
    if (task.waited) {
      waiting.decrementAndGet();
    }
  }

  @Override
  void released(CallTask<?> task) {
    permits.decrementAndGet();
  }

  @Override
  int queued() {
    return waiting.get();
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
    while (permits.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return true;
  }
}
