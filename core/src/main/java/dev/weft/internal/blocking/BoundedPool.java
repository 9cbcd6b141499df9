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
 * Counts an operator reads: of the calls accepted and not running, those that fit in the free
 * threads (maxThreads - running) are "starting": a thread is being started or woken for each (see
 * Wake-up); only the rest are "queued", so queued never exceeds maxQueue and running + starting
 * never exceeds maxThreads. A cold pool given maxThreads + maxQueue calls at once reads
 * "0/8 running, 8 starting, 16/16 queued", not "24/16 queued".
 *
 * Wake-up (no lock on the submit path): `entries` counts queue entries offered and not yet taken;
 * `coming` workers are those that will poll the queue soon without being told: `spinning` ones and
 * `waking` ones (started or signalled, not yet polled). A submitter that finds more entries than
 * coming workers signals for its call when no worker is idle (it starts a thread, below
 * maxThreads, on the submitting thread, as ThreadPoolExecutor does below its core size) or when no
 * worker is coming yet (it wakes the warmest idle worker). Otherwise a coming worker will wake the
 * next: a worker that takes an entry and still finds more entries than coming workers signals one
 * more (the hand-on), as LinkedBlockingQueue's takers signal each other. So a cold burst of
 * maxThreads calls has maxThreads threads started by the time its submits return (an earlier
 * version started each thread from the previous one's first poll: a burst ramped up at one thread
 * start - milliseconds on a cold JVM - per worker, and a cold service filled maxThreads + maxQueue
 * while no thread ran yet), while a burst onto idle workers costs its submitter (often a loop) one
 * wake-up, not one per call: waking one parked worker per call was measured at 0.33x
 * ThreadPoolExecutor's throughput with 64 no-op calls in flight on this 2-core VM, against 0.74x
 * with the hand-on (a context switch per call, where a woken worker would have taken several).
 * A submitter that finds enough coming workers (a spinner, typically, under a steady stream) makes
 * no system call at all.
 * Signalling: pop idle workers (a Treiber stack, so the most recently idle - warmest - worker is
 * woken first) until one moves PARKED -> SIGNALLED by CAS, and unpark it; if none is idle, start a
 * thread while `threads` is below maxThreads (on the signalling thread, as ThreadPoolExecutor's
 * submitter does); else every worker is busy and one will poll the call when it finishes.
 * Spinning (SpinPolicy): an idle worker may poll for a while before it parks, but never with one
 * available CPU, at most half the CPUs' worth of workers at once, only while recent spins found
 * calls, and not after a spinner was preempted (the CPUs are wanted by others).
 *
 * Yield before idling: a worker that finds the queue empty while the pool looks busy (other calls
 * in flight, or this worker has just run calls back to back) calls Thread.yield() once and polls
 * again before it spins or parks. When every core is taken - one CPU, or a CPU shared with many
 * threads - the thread that will submit the next call (usually the loop that the call just
 * finished for) is waiting for a core; the yield gives it ours, and the worker finds that call
 * instead of parking and being woken for it: a park and a wake-up cost two context switches, most
 * of a sleeping call's CPU on this project's VM. Where a core is idle the yield returns at once (a
 * system call, well under a microsecond). Measured with 64 calls in flight on 2 cores: idle parks
 * fell from 0.6 per call to 0.02 and the CPU per 100 us sleeping call from 22.6 to 12.9 us (the
 * ThreadPoolExecutor beside it: 14 us); 64 no-op calls on one CPU went from 0.15x to 1.0x
 * ThreadPoolExecutor. The busy test keeps it off a lone call's round trip: there the next call
 * needs the caller's thread too, and an unconditional yield cost 4 us of its 12 on one CPU. Spinning
 * is the other answer to the same question for a spare core; a yield needs none. A yielding worker
 * is not counted as coming: a submitter meanwhile signals as if it were not there (at worst a spare
 * wake-up), and the worker polls again after the yield, then publishes itself and polls once more
 * before it parks, so the no-lost-wake-up argument below is unchanged.
 *
 * No lost wake-up. (1) A submitter enqueues, then increments `entries`, then reads the coming
 * counts (each step a full fence). (2) A coming worker stops counting itself before it polls, and
 * a worker that takes an entry decrements `entries` after it stopped counting, then does the
 * hand-on check. (3) A worker going idle first publishes itself (pushes its node, a full fence),
 * then polls the queue once more before parking. Now take a call C enqueued by submitter S. If S
 * signals, it pops a worker published before, or starts one, or finds every thread busy: each of
 * those polls. If S does not signal, either a worker took an entry before S counted C (`entries`
 * dipped: whoever changes it last, submitter or taker, sees the true count and checks it against
 * the coming workers), or S saw some worker W counted as coming; W stops counting after
 * S's read, so W's poll comes after C's enqueue: W takes C, or takes another entry D. Taking D, W
 * decrements `entries` (which still counts C, incremented before S's read) and signals unless it
 * sees enough other coming workers, to which the same argument applies; every step takes an entry,
 * so the chain ends with C taken. A worker that stops spinning without a call publishes itself and
 * polls once more (3), so it cannot park past C either; a submitter that reads the stack after that
 * push (1 comes before the read) finds it. Either the submitter sees the worker, or the worker sees
 * the call. Over-counting coming workers (a worker read both as waking and, a moment later, as
 * spinning) only defers the signal to that worker's hand-on; under-counting costs a spare wake-up.
 *
 * Stale nodes: a worker that finds work on that last poll leaves its node in the stack; the node
 * is skipped (its worker is not PARKED, or the same worker is parked again, which is as good).
 * Submitters pop nodes, so stale ones do not pile up.
 *
 * Retirement: a worker parked for keepAlive retires by CAS PARKED -> RETIRED (so no submitter can
 * signal it after) and, if calls arrived meanwhile, signals for them before leaving. It decrements
 * `threads` before it looks at the queue, and a submitter enqueues before it reads `threads`, so a
 * submitter that saw the pool full is covered by the retiring worker's look.
 *
 * Pre-start: prestartThreads workers are started with the pool; they go idle as any worker does and
 * retire after keepAlive unless calls keep them.
 *
 * A thread that cannot start (Thread.start throws: the JVM is out of native threads or of memory
 * for their stacks - a container's pids limit, typically) gives back its count in `threads` and
 * `waking` and is logged. It was counted as coming, so submitters meanwhile may have left their
 * calls to it: whoever saw the start fail (a submitter, a worker handing on, a worker retiring with
 * calls behind it) stands in for it - if more entries wait than workers come, it wakes an idle
 * worker, which takes a call and hands on as usual. If none is idle, the live workers are busy
 * (each polls when its call ends) or going idle (each polls once more after publishing itself, see
 * No lost wake-up), so the calls are still served. If no worker lives, nothing would ever poll the
 * queue: the one who saw the failure takes the waiting calls out, re-reading `threads` before each
 * (a worker started meanwhile keeps the rest), and fails their futures as refused with the start's
 * failure as the cause; a submitter's own call is refused to it through its future. Each call is
 * polled once, so it is either refused or run; the QUEUED -> DROPPED CAS of the take-back races
 * only with a cancel or timeout. Before, the submitter got the Error while its call stayed queued
 * and could still run, and a worker whose hand-on failed died holding the call it had taken.
 */

/** A bounded pool of platform threads. */
public final class BoundedPool extends AdapterBase {
  private final MpmcArrayQueue<CallTask<?>> queue;
  private final int bound; // maxThreads + maxQueue
  private final SpinPolicy spinPolicy;
  private final AtomicInteger load = new AtomicInteger(); // accepted, not finished
  private final AtomicInteger threads = new AtomicInteger(); // live workers (incl. starting)
  private final AtomicInteger entries = new AtomicInteger(); // queue entries offered, not yet taken
  private final AtomicInteger spinning = new AtomicInteger(); // workers polling before parking
  private final AtomicInteger waking = new AtomicInteger(); // workers started or signalled, not yet polled
  private final AtomicReference<IdleNode> idle = new AtomicReference<>(); // LIFO stack of idle workers
  private final AtomicInteger threadNumbers = new AtomicInteger();
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet(); // for slow-call checks
  private final ThreadStarter starter;
  private volatile Throwable lastStartFailure; // what the last Thread.start that failed threw

  /** Starts a worker's thread; {@code Thread::start}, except in tests that make starts fail. */
  @FunctionalInterface
  interface ThreadStarter {
    void start(Thread thread);
  }

  private BoundedPool(DefaultAsyncRuntime runtime, AdapterSettings settings, ThreadStarter starter) {
    super(runtime, settings);
    this.starter = starter;
    this.bound = settings.maxConcurrency() + settings.maxQueue();
    this.queue = new MpmcArrayQueue<>(Math.max(2, 2 * bound));
    this.spinPolicy = new SpinPolicy(settings.spinNanos(), settings.availableProcessors());
  }

  /**
   * Starts a pool on {@code runtime} and registers it there.
   *
   * @param runtime the runtime
   * @param settings checked settings
   * @return the pool
   */
  public static BoundedPool start(AsyncRuntime runtime, AdapterSettings settings) {
    return start(runtime, settings, Thread::start);
  }

  /** As {@link #start(AsyncRuntime, AdapterSettings)}, starting threads with {@code starter} (tests). */
  static BoundedPool start(AsyncRuntime runtime, AdapterSettings settings, ThreadStarter starter) {
    DefaultAsyncRuntime owner = DefaultAsyncRuntime.of(runtime, "a bounded pool");
    BoundedPool pool = new BoundedPool(owner, settings, starter);
    owner.adapters().register(pool);
    for (int i = 0; i < settings.prestartThreads(); i++) {
      pool.threads.incrementAndGet();
      if (!pool.startWorker()) {
        break; // logged; the rest start on demand, as in a pool without pre-start
      }
    }
    return pool;
  }

  /**
   * The pool's spin policy, for tests and diagnostics.
   *
   * @return the policy
   */
  public SpinPolicy spinPolicy() {
    return spinPolicy;
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
    int waiting = entries.incrementAndGet();
    int coming = coming();
    if (waiting > coming && (coming == 0 || idle.get() == null)) {
      // more calls wait than workers are coming: start a thread for this one, or wake an idle worker.
      // `waiting` is our increment's view: a worker that took an entry since may have signalled for
      // it too, so a race can start one thread more than needed (it idles, then retires); never fewer
      // if none is coming yet (a coming worker wakes the next idle one: see Overview, wake-up)
      if (!signalWork()) {
        afterFailedStart(task);
      }
    }
  }

  /** Workers that will poll the queue soon without a signal. */
  private int coming() {
    return spinning.get() + waking.get();
  }

  /** Takes the next queue entry, and hands the wake-up on if more entries wait than workers come. */
  private CallTask<?> take() {
    CallTask<?> task = queue.poll();
    if (task != null) {
      handOnWakeUp();
    }
    return task;
  }

  /** A worker (no longer counted as coming) took an entry: if more wait than workers come, signal. */
  private void handOnWakeUp() {
    if (entries.decrementAndGet() > coming() && !signalWork()) {
      afterFailedStart(null); // this worker lives, so nothing is refused
    }
  }

  /**
   * Wakes an idle worker, or starts one below maxThreads; else every worker is busy.
   *
   * @return false if a thread was to start and could not (see Overview: a thread that cannot start)
   */
  private boolean signalWork() {
    if (wakeIdleWorker()) {
      return true;
    }
    for (int live; (live = threads.get()) < settings.maxConcurrency(); ) {
      if (threads.compareAndSet(live, live + 1)) {
        return startWorker();
      }
    }
    return true; // every worker is busy: one polls the queue when its call ends
  }

  /** Pops idle workers until one is woken (true), or none is idle (false). */
  private boolean wakeIdleWorker() {
    for (IdleNode top; (top = idle.get()) != null; ) {
      if (idle.compareAndSet(top, top.next) && top.worker.signal()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts a worker already counted in {@code threads}.
   *
   * @return false if its thread could not start: the counts are given back and the failure logged
   */
  private boolean startWorker() {
    waking.incrementAndGet(); // the worker stops counting itself before its first poll
    try {
      Worker worker = new Worker();
      Thread thread = new Thread(worker, threadNamePrefix() + threadNumbers.getAndIncrement());
      thread.setDaemon(true);
      thread.setUncaughtExceptionHandler(this::reportUncaught);
      worker.thread = thread;
      starter.start(thread);
      return true;
    } catch (Throwable cannotStart) { // OutOfMemoryError: unable to create native thread
      waking.decrementAndGet();
      int live = threads.decrementAndGet();
      lastStartFailure = cannotStart;
      threadStartFailed(cannotStart, live);
      return false;
    }
  }

  /**
   * A thread this thread tried to start could not start (see Overview: a thread that cannot start).
   * Submitters that saw it on its way (in `waking`) left their calls to it: wake an idle worker for
   * them, which hands the wake-up on; if none is idle and no worker lives, settle the waiting calls.
   *
   * @param own the submitter's call, refused by throwing if no thread will run it; or null
   */
  private void afterFailedStart(CallTask<?> own) {
    if (entries.get() > coming() && wakeIdleWorker()) {
      return;
    }
    refuseStrandedCalls(own);
  }

  /**
   * Settles as refused the calls waiting while no worker lives: nothing would ever poll them. Reads
   * `threads` before each poll, so a worker started meanwhile (by another submitter) keeps the rest.
   */
  private void refuseStrandedCalls(CallTask<?> own) {
    Throwable cause = lastStartFailure;
    boolean ownRefused = false;
    for (CallTask<?> task; threads.get() == 0 && (task = queue.poll()) != null; ) {
      entries.decrementAndGet();
      if (task == own) {
        ownRefused = task.withdraw();
      } else {
        task.refuseBeforeStart(cannotStartThread(cause)); // false: dropped meanwhile, its slot already free
      }
    }
    if (ownRefused) {
      metrics.rejected.increment();
      throw cannotStartThread(cause);
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
    return occupancy().queued();
  }

  @Override
  Occupancy occupancy() {
    // see Overview: counts an operator reads
    return Occupancy.of(metrics.active(), load.get(), settings.maxConcurrency());
  }

  @Override
  int threads() {
    return threads.get();
  }

  /**
   * Whether some workers were started or signalled and have not polled the queue yet: the pool is
   * still bringing threads into service. Unlike the occupancy's "starting" figure, which also counts
   * the moment between a worker's two calls, this is only ever true while a thread is on its way.
   */
  boolean threadsOnTheirWay() {
    return waking.get() > 0;
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
    private boolean countedAsWaking = true; // counted in `waking` (by startWorker or signal()); own thread only
    private long idleSince; // System.nanoTime() when this worker last found no call; own thread only
    private int callsSinceIdle; // calls taken since this worker last parked; own thread only

    /** Wakes this worker if it is parked; false if it is not (a stale node). */
    boolean signal() {
      if (STATE.compareAndSet(this, PARKED, SIGNALLED)) {
        waking.incrementAndGet(); // coming until its first poll: see Overview, wake-up
        LockSupport.unpark(thread);
        return true;
      }
      return false;
    }

    @Override
    public void run() {
      workers.add(this);
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
        stopCountingAsWaking(); // before take(): its hand-on must not count us as coming
        CallTask<?> task = take();
        if (task == null && poolLooksBusy()) {
          Thread.yield(); // see Overview, yield before idling: the submitter may be waiting for our core
          task = take();
        }
        if (task == null) {
          idleSince = System.nanoTime();
          task = spin();
        }
        if (task != null) {
          if (callsSinceIdle < 2) {
            callsSinceIdle++; // poolLooksBusy only asks "more than one"; an int counting on would wrap
          }
          return task;
        }
        callsSinceIdle = 0;
        if (!parkUntilSignalled()) {
          return null;
        }
      }
    }

    /** Other calls are in flight, or this worker has just run calls back to back: more will come soon. */
    private boolean poolLooksBusy() {
      return callsSinceIdle > 1 || load.get() > 0;
    }

    private void stopCountingAsWaking() {
      if (countedAsWaking) {
        countedAsWaking = false;
        waking.decrementAndGet();
      }
    }

    /** Polls for the spin policy's window, if it lets this worker spin; the call found, or null. */
    private CallTask<?> spin() {
      long window = spinPolicy.window();
      if (window == 0) {
        return null;
      }
      if (spinning.incrementAndGet() > spinPolicy.maxSpinners()) {
        spinning.decrementAndGet(); // enough spinners: more would only take CPU from the loops
        return null;
      }
      spinPolicy.spinBegins();
      CallTask<?> task = null;
      boolean preempted = false;
      try {
        long deadline = idleSince + window;
        long now = System.nanoTime();
        do {
          task = queue.poll(); // not take(): its hand-on would count us as coming still
          if (task != null) {
            break;
          }
          Thread.onSpinWait();
          long before = now;
          now = System.nanoTime();
          preempted |= now - before > SpinPolicy.PREEMPTED_NANOS; // see SpinPolicy: no core to spare
        } while (now - deadline < 0);
      } finally {
        spinning.decrementAndGet();
      }
      if (preempted) {
        spinPolicy.spinPreempted();
      } else if (task == null) {
        spinPolicy.spinFoundNothing();
      } else {
        spinPolicy.spinFoundWork();
      }
      if (task == null) {
        return null;
      }
      // Only now that we no longer count as coming: a call offered right behind ours must wake
      // another worker, not wait for us to finish this one.
      handOnWakeUp();
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
          countedAsWaking = true;
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
      countedAsWaking = true; // signalled: the signaller counted us in `waking`
      state = RUNNING;
      spinPolicy.wokenAfter(System.nanoTime() - idleSince);
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
      stopCountingAsWaking();
      state = RETIRED;
      threads.decrementAndGet();
      if (!queue.isEmpty() && !signalWork()) { // a call slipped in while we left: make sure some worker takes it
        afterFailedStart(null);
      }
    }
  }
}
