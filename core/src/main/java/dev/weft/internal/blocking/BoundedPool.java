package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpmcArrayQueue;

/*
 * Overview
 *
 * Admission: `load` counts calls accepted and not yet finished (waiting or running). A call is
 * accepted only by CAS-incrementing `load` below maxThreads + maxQueue, so rejections start at
 * exactly that many calls in flight; JCTools rounds the queue's capacity up, so the bound is ours.
 * A call that returns frees its slot before its promise completes (CallTask), so a caller that
 * calls again as soon as its future completes is never refused for a call that has ended.
 * A call dropped while waiting gives its slot back at once; its queue entry stays until a worker
 * polls and skips it, which is why the physical queue has room for twice the bound. Only if more
 * calls than that are dropped while every worker stays busy do the stale entries fill it; then
 * calls are rejected below the bound, with a message that says why. (A known limit: lifting it
 * needs removal from the middle of the queue, which JCTools' array queues do not offer.)
 *
 * Wake-up (no lock on the submit path): `entries` counts queue entries offered and not yet taken.
 * The submitter whose increment finds it at zero signals; later submitters of a burst do not,
 * because a worker that takes an entry and still finds entries counted signals in turn (the
 * cascade), so a burst costs the submitter - often a loop - one wake-up, not one per call, and
 * workers ramp up one after another while calls keep waiting. (If a worker takes an entry before
 * its submitter counted it, the count dips below zero and nobody signals for it: none is needed,
 * since that worker holds the call and polls again when it ends.)
 * A signalled worker counts as spinning from the signal until its first poll, so while one
 * wake-up is in flight nobody issues another (as Go's scheduler does with its spinning threads).
 * Signalling: a submitter that sees a spinning worker
 * is done (the spinner will poll the call; at most half the cores' worth of workers spin, so
 * spinning never starves the loops). Otherwise it pops idle workers (a
 * Treiber stack, so the most recently idle - warmest - worker is woken first) until one moves
 * PARKED -> SIGNALLED by CAS, and unparks it. If none is idle, it counts the workers that will
 * poll soon anyway (spinning, or started and not yet polling); only if more calls wait than that
 * does it start a thread, while `threads` is below maxThreads. Else every worker is busy and one
 * will poll the call when it finishes.
 *
 * No lost wake-up: a worker going idle first publishes itself (decrements `spinning`, pushes its
 * node, both full fences), then polls the queue once more before parking. A submitter enqueues
 * (a full fence) before it reads the stack. So either the submitter sees the worker, or the worker
 * sees the call.
 *
 * Stale nodes: a worker that finds work on that last poll leaves its node in the stack; the node
 * is skipped (its worker is not PARKED, or the same worker is parked again, which is as good).
 * Submitters pop nodes, so stale ones do not pile up.
 *
 * Retirement: a worker parked for keepAlive retires by CAS PARKED -> RETIRED (so no submitter can
 * signal it after) and, if calls arrived meanwhile, signals for them before leaving. It decrements
 * `threads` before it looks at the queue, and a submitter enqueues before it reads `threads`, so a
 * submitter that saw the pool full is covered by the retiring worker's look.
 */

/** A bounded pool of platform threads. */
public final class BoundedPool extends AdapterBase {
  /** At most this many idle workers spin at once; the others park at once. */
  private static final int MAX_SPINNERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  private final MpmcArrayQueue<CallTask<?>> queue;
  private final int bound; // maxThreads + maxQueue
  private final AtomicInteger load = new AtomicInteger(); // accepted, not finished
  private final AtomicInteger threads = new AtomicInteger(); // live workers (incl. starting)
  private final AtomicInteger entries = new AtomicInteger(); // queue entries offered, not yet taken
  private final AtomicInteger spinning = new AtomicInteger(); // workers polling before parking
  private final AtomicInteger starting = new AtomicInteger(); // workers started, not yet polling
  private final AtomicReference<IdleNode> idle = new AtomicReference<>(); // LIFO stack of idle workers
  private final AtomicInteger threadNumbers = new AtomicInteger();
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet(); // for slow-call checks

  private BoundedPool(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    super(runtime, settings);
    this.bound = settings.maxConcurrency() + settings.maxQueue();
    this.queue = new MpmcArrayQueue<>(Math.max(2, 2 * bound));
  }

  /**
   * Starts a pool on {@code runtime} and registers it there.
   *
   * @param runtime the runtime
   * @param settings checked settings
   * @return the pool
   */
  public static BoundedPool start(AsyncRuntime runtime, AdapterSettings settings) {
    DefaultAsyncRuntime owner = DefaultAsyncRuntime.of(runtime, "a bounded pool");
    BoundedPool pool = new BoundedPool(owner, settings);
    owner.adapters().register(pool);
    return pool;
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
    if (!queue.offer(task)) {
      load.decrementAndGet();
      throw reject(true); // the queue is full of dropped calls not yet skipped
    }
    if (entries.getAndIncrement() == 0) {
      signalWork(); // the queue was empty: nobody is coming for ours unless we call
    }
    // else a call waits ahead of ours: whoever takes it sees ours counted and signals (cascade)
  }

  /** Takes the next queue entry, and hands the wake-up on if more entries wait. */
  private CallTask<?> take() {
    CallTask<?> task = queue.poll();
    if (task != null) {
      handOnWakeUp();
    }
    return task;
  }

  /** A worker took an entry: if more wait, it signals for them (the cascade). */
  private void handOnWakeUp() {
    if (entries.decrementAndGet() > 0) {
      signalWork();
    }
  }

  private void signalWork() {
    if (spinning.get() > 0) {
      return; // a spinner will poll the call: no wake-up system call (see Overview: no lost wake-up)
    }
    for (IdleNode top; (top = idle.get()) != null; ) {
      if (idle.compareAndSet(top, top.next) && top.worker.signal()) {
        return;
      }
    }
    // Spinning and starting workers will poll soon: start another only for calls beyond them.
    if (load.get() - metrics.active() <= spinning.get() + starting.get()) {
      return;
    }
    for (int live; (live = threads.get()) < settings.maxConcurrency(); ) {
      if (threads.compareAndSet(live, live + 1)) {
        startWorker();
        return;
      }
    }
  }

  private void startWorker() {
    Worker worker = new Worker();
    Thread thread = new Thread(worker, threadNamePrefix() + threadNumbers.getAndIncrement());
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(this::reportUncaught);
    worker.thread = thread;
    starting.incrementAndGet();
    try {
      thread.start();
    } catch (Throwable cannotStart) { // OutOfMemoryError: unable to create native thread
      starting.decrementAndGet();
      threads.decrementAndGet();
      throw cannotStart;
    }
  }

  @Override
  void dropped(CallTask<?> task) {
    load.decrementAndGet();
  }

  @Override
  void released(CallTask<?> task) {
    load.decrementAndGet();
  }

  @Override
  int queued() {
    return load.get() - metrics.active();
  }

  @Override
  int threads() {
    return threads.get();
  }

  @Override
  void checkSlowCalls(long now) {
    for (Worker worker : workers) {
      checkSlowCall(worker.current, worker.thread, now);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (IdleNode node = idle.getAndSet(null); node != null; node = node.next) {
      node.worker.signal();
    }
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
    for (Worker worker : workers) {
      CallTask<?> task = worker.current;
      if (task != null) {
        task.abortRunning(abortedMessage());
      }
    }
  }

  @Override
  List<Thread> liveThreads() {
    List<Thread> live = new ArrayList<>();
    for (Worker worker : workers) {
      if (worker.thread.isAlive()) {
        live.add(worker.thread);
      }
    }
    return live;
  }

  @Override
  boolean awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (threads.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return true;
  }

  /** A node of the idle stack; a fresh one each time a worker goes idle, so CAS sees no ABA. */
  private static final class IdleNode {
    final Worker worker;
    final IdleNode next;

    IdleNode(Worker worker, IdleNode next) {
      this.worker = worker;
      this.next = next;
    }
  }

  private final class Worker implements Runnable {
    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int SIGNALLED = 2;
    private static final int RETIRED = 3;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Worker.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    Thread thread; // set before start
    volatile CallTask<?> current; // the call running now, for slow-call checks
    private volatile int state = RUNNING;
    private boolean countedAsSpinning; // woken by signal(), which counted us in `spinning`; own thread only

    /** Wakes this worker if it is parked; false if it is not (a stale node). */
    boolean signal() {
      if (STATE.compareAndSet(this, PARKED, SIGNALLED)) {
        // the woken worker counts as spinning until its first poll: one wake-up in flight at a time
        spinning.incrementAndGet();
        LockSupport.unpark(thread);
        return true;
      }
      return false;
    }

    @Override
    public void run() {
      workers.add(this);
      starting.decrementAndGet();
      boolean retired = false;
      try {
        for (CallTask<?> task; (task = nextTask()) != null; ) {
          runTask(task);
        }
        retired = true;
      } finally {
        workers.remove(this);
        if (!retired) {
          // An Error escaped (it goes on to the uncaught-exception handler). Leave as retire() does,
          // or `threads` would keep counting this thread and the pool would never replace it.
          retire();
        }
      }
    }

    private void runTask(CallTask<?> task) {
      if (startsNoCall && task.abortBeforeStart(neverStartedMessage())) {
        return; // taken as the runtime shut down: no call starts then
      }
      if (!task.begin(thread)) {
        return; // dropped while it waited; its slot is already free
      }
      current = task;
      try {
        task.execute(); // frees the slot (released) before it completes the promise
      } finally {
        current = null;
        Thread.interrupted(); // a call that interrupted itself must not pass that on to the next call
      }
    }

    /** The next call to run, or null when this worker retires. */
    private CallTask<?> nextTask() {
      for (;;) {
        stopCountingAsSpinning(); // before take(): its cascade must not mistake us for a spinner
        CallTask<?> task = take();
        if (task == null) {
          task = spin();
        }
        if (task != null) {
          return task;
        }
        if (!parkUntilSignalled()) {
          return null;
        }
      }
    }

    private void stopCountingAsSpinning() {
      if (countedAsSpinning) {
        countedAsSpinning = false;
        spinning.decrementAndGet();
      }
    }

    private CallTask<?> spin() {
      long spinNanos = settings.spinNanos();
      if (spinNanos == 0) {
        return null;
      }
      if (spinning.incrementAndGet() > MAX_SPINNERS) {
        spinning.decrementAndGet(); // enough spinners: more would only take CPU from the loops
        return null;
      }
      CallTask<?> task = null;
      try {
        long deadline = System.nanoTime() + spinNanos;
        do {
          task = queue.poll(); // not take(): its cascade would see us still spinning and wake nobody
          if (task != null) {
            break;
          }
          Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0);
      } finally {
        spinning.decrementAndGet();
      }
      if (task != null) {
        // Only now that we no longer count as a spinner: a call offered right behind ours must wake
        // another worker, not wait for us to finish this one.
        handOnWakeUp();
      }
      return task;
    }

    /** Parks until signalled (true) or until keepAlive expires or the pool closes (false: retire). */
    private boolean parkUntilSignalled() {
      state = PARKED;
      for (IdleNode top; !idle.compareAndSet(top = idle.get(), new IdleNode(this, top)); ) {
        // lost a race with another push or pop: retry
      }
      if (!queue.isEmpty() || closed) {
        // a call arrived (or the pool closed) while we published ourselves: do not park
        if (!STATE.compareAndSet(this, PARKED, RUNNING)) {
          state = RUNNING; // a submitter signalled us meanwhile; its call is ours to take
          countedAsSpinning = true;
        }
        return stayUnlessClosedAndDrained();
      }
      long deadline = System.nanoTime() + settings.keepAliveNanos();
      while (state == PARKED) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          if (STATE.compareAndSet(this, PARKED, RETIRED)) {
            retire();
            return false;
          }
          break; // signalled just now
        }
        Thread.interrupted(); // a stray interrupt would turn parkNanos into a busy loop
        LockSupport.parkNanos(BoundedPool.this, remaining);
      }
      countedAsSpinning = true; // signalled: the signaller counted us as spinning
      state = RUNNING;
      return stayUnlessClosedAndDrained();
    }

    /** Retires if the pool is closed and no call is left to serve; true if this worker stays. */
    private boolean stayUnlessClosedAndDrained() {
      if (closed && queue.isEmpty()) {
        retire();
        return false;
      }
      return true;
    }

    /** Leaves the pool, handing on a wake-up if a call slipped in meanwhile. */
    private void retire() {
      stopCountingAsSpinning();
      state = RETIRED;
      threads.decrementAndGet();
      if (!queue.isEmpty()) {
        signalWork(); // a call slipped in while we left: make sure some worker takes it
      }
    }
  }
}
