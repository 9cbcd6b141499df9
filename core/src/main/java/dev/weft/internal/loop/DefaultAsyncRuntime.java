package dev.weft.internal.loop;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.UnhandledFailureHandler;
import dev.weft.blocking.AdapterSpec;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.internal.ForWeftModules;
import dev.weft.internal.Throwables;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.blocking.AdapterRegistry;
import dev.weft.internal.detect.BlockingCallDetector;
import dev.weft.internal.watchdog.LoopWatchdog;
import dev.weft.metrics.LoopMetrics;
import dev.weft.metrics.RuntimeMetrics;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;

/*
 * Overview: the runtime's life is OPEN -> SHUTTING_DOWN -> TERMINATED, moved by CAS on `state`.
 * Public entry points (Loop.execute/schedule/submit) check OPEN first. The check races with
 * shutdown, which is fine: Netty keeps accepting tasks while it drains, and each loop's
 * LoopTaskQueue makes the end exact (a task offered as the loop stops either runs or is refused
 * with RejectedExecutionException, which the loops turn into RejectedException).
 *
 * Shutdown: the first caller of shutdown() stops the watchdog first (a draining loop must not be
 * reported as blocked), then starts Netty's graceful shutdown. Every caller off the loops waits
 * for the loops to terminate, interrupts the loops still busy after the grace period, and then
 * waits for the threads themselves to end: Netty reports termination just before a loop thread
 * exits, and "closed" must mean no thread of the runtime is left.
 *
 * Threads start eagerly, so they carry their names from the start and the watchdog's first ping
 * does not measure a thread start-up as lag; each loop then allocates one buffer of each kind, and
 * the watchdog starts only once they have (bounded wait): the first allocation in a JVM initialises
 * Netty's allocator and JFR event classes, a 100-150 ms stall that is not a blocking call.
 */

/** The runtime: Netty loops, the watchdog, the unhandled-failure handler. */
@ForWeftModules
public final class DefaultAsyncRuntime implements AsyncRuntime {
  private static final Logger UNHANDLED_LOG = WeftLoggers.get("dev.weft.unhandled");
  private static final Logger LOG = WeftLoggers.get(DefaultAsyncRuntime.class);
  private static final int OPEN = 0;
  private static final int SHUTTING_DOWN = 1;
  private static final int TERMINATED = 2;
  private static final long WARM_UP_WAIT_SECONDS = 10;
  /** How long interrupted calls get to end after the grace period before they are reported. */
  private static final long INTERRUPTED_CALLS_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Open runtimes, oldest first: off-loop futures are homed on the first one's loops. */
  private static final CopyOnWriteArrayList<DefaultAsyncRuntime> OPEN_RUNTIMES = new CopyOnWriteArrayList<>();

  private final RuntimeSettings settings;
  private final UnhandledFailureHandler unhandledFailureHandler;
  private final WeftEventLoopGroup group;
  private final List<LoopImpl> loops;
  private final LoopWatchdog watchdog;
  private final BlockingCallDetector blockingCallDetector; // null unless detection is on
  private final AdapterRegistry adapters = new AdapterRegistry();
  private final BlockingAdapter defaultAdapter;
  private final AtomicInteger state = new AtomicInteger(OPEN);
  private final AtomicLong nextLoop = new AtomicLong();
  private final LongAdder unhandledFailures = new LongAdder();

  public DefaultAsyncRuntime(RuntimeSettings settings) {
    this.settings = settings;
    this.unhandledFailureHandler = settings.unhandledFailureHandler() != null
        ? settings.unhandledFailureHandler()
        : (description, failure) -> UNHANDLED_LOG.error("{}", description, failure);
    this.group = new WeftEventLoopGroup(settings.loops(), new LoopThreadFactory(settings.name() + "-loop-starting-"),
        NioIoHandler.newFactory());
    List<LoopImpl> created = new ArrayList<>(settings.loops());
    int index = 0;
    for (EventExecutor executor : group) {
      created.add(new LoopImpl(this, (WeftEventLoop) executor, settings.name() + "-loop-" + index++));
    }
    this.loops = List.copyOf(created);
    List<CompletableFuture<Void>> warmUps = new ArrayList<>(loops.size());
    for (LoopImpl loop : loops) {
      warmUps.add(loop.start());
    }
    BlockingAdapter firstAdapter = null;
    try {
      for (AdapterSpec spec : settings.adapters()) {
        BlockingAdapter adapter = spec.build(this);
        firstAdapter = firstAdapter == null ? adapter : firstAdapter;
      }
    } catch (RuntimeException badAdapter) {
      adapters.shutDownAll();
      group.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
      throw badAdapter;
    }
    this.defaultAdapter = firstAdapter;
    awaitWarmUps(warmUps);
    // before the watchdog: starting a JFR stream can stall the loops once, which is not a block
    this.blockingCallDetector = startBlockingCallDetector();
    this.watchdog = new LoopWatchdog(settings.name() + "-watchdog", loops, settings.watchdogInterval(),
        settings.blockedThreshold(), adapters::checkSlowCalls);
    watchdog.start();
    OPEN_RUNTIMES.add(this);
    RuntimeStatisticsEvent.registerOnce();
  }

  private BlockingCallDetector startBlockingCallDetector() {
    if (settings.blockingCallDetection() == null) {
      return null;
    }
    Map<Long, String> loopThreads = new HashMap<>();
    for (LoopImpl loop : loops) {
      Thread thread = loop.thread();
      if (thread != null) {
        loopThreads.put(thread.getId(), loop.name());
      }
    }
    return BlockingCallDetector.start(settings.name(), loopThreads, settings.blockingCallDetection());
  }

  /**
   * The blocking-call detector, for {@code BlockingCalls}.
   *
   * @return the detector, or {@code null} if detection is off
   */
  public BlockingCallDetector blockingCallDetector() {
    return blockingCallDetector;
  }

  /** Waits (bounded) for the loops' warm-ups, so the watchdog's first pings do not time them. */
  private void awaitWarmUps(List<CompletableFuture<Void>> warmUps) {
    try {
      CompletableFuture.allOf(warmUps.toArray(new CompletableFuture<?>[0])).get(WARM_UP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("runtime '{}': loop warm-up did not finish within {} s; starting the watchdog anyway", settings.name(),
          WARM_UP_WAIT_SECONDS, e);
    }
  }

  /**
   * The Weft runtime behind {@code runtime}: the checked way in to the internal layer, for Weft's
   * own modules and adapters.
   *
   * @param runtime a runtime made by {@code AsyncRuntime.create()} or its builder
   * @param user what needs it, for the message ({@code "the HTTP server"})
   * @return the runtime as its implementation
   * @throws IllegalArgumentException if {@code runtime} is another implementation (a wrapper, a test double)
   */
  public static DefaultAsyncRuntime of(AsyncRuntime runtime, String user) {
    if (runtime instanceof DefaultAsyncRuntime) {
      return (DefaultAsyncRuntime) runtime;
    }
    throw new IllegalArgumentException(user + " needs a runtime made by AsyncRuntime.create() or its builder (was "
        + (runtime == null ? "null" : runtime.getClass().getName()) + ")");
  }

  /** The runtimes open now, oldest first: for the periodic JFR events. */
  static List<DefaultAsyncRuntime> openRuntimes() {
    return OPEN_RUNTIMES;
  }

  /**
   * A loop to home a future created off any loop: the next loop of the oldest open runtime.
   *
   * @return a loop
   * @throws IllegalStateException if no runtime is open
   */
  public static LoopImpl fallbackLoop() {
    for (DefaultAsyncRuntime runtime : OPEN_RUNTIMES) {
      if (runtime.state.get() == OPEN) {
        return runtime.nextLoop();
      }
    }
    throw new IllegalStateException("no loop to home this future on: the calling thread is not a Weft loop "
        + "and no AsyncRuntime is open; create one with AsyncRuntime.create(), or create the future on a "
        + "loop (loop.newPromise(), or inside loop.submit())");
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public LoopImpl nextLoop() {
    return loops.get((int) Math.floorMod(nextLoop.getAndIncrement(), (long) loops.size()));
  }

  @Override
  public BlockingAdapter blocking() {
    return defaultAdapter;
  }

  @Override
  public BlockingAdapter adapter(String name) {
    return adapters.get(name);
  }

  /**
   * The runtime's adapters, for adapters to register themselves.
   *
   * @return the registry
   */
  public AdapterRegistry adapters() {
    return adapters;
  }

  /**
   * Shows one of this runtime's adapters in {@link #metrics()} as {@code stats} supplies it: for a
   * module whose adapter is one part of something users see whole (the JDBC bridge's gate queues
   * and rejects calls before they reach its adapter).
   *
   * @param adapter an adapter of this runtime
   * @param stats what {@code metrics()} shows for it; may call {@code adapter.stats()}
   */
  public void showAdapterAs(BlockingAdapter adapter, Supplier<AdapterStats> stats) {
    adapters.showAs(adapter, stats);
  }

  @Override
  public List<Loop> loops() {
    return List.copyOf(loops);
  }

  /**
   * The Netty group behind the loops, for modules that bootstrap channels on them.
   *
   * @return the group
   */
  public IoEventLoopGroup eventLoopGroup() {
    return group;
  }

  @Override
  public RuntimeMetrics metrics() {
    List<LoopMetrics> perLoop = new ArrayList<>(loops.size());
    for (LoopImpl loop : loops) {
      perLoop.add(loop.health().snapshot(loop.name(), loop.tasksRun()));
    }
    return new RuntimeMetrics(settings.name(), perLoop, adapters.stats(), unhandledFailures.sum());
  }

  @Override
  public void reportUnhandled(String description, Throwable failure) {
    unhandledFailures.increment();
    try {
      unhandledFailureHandler.handle(description, failure);
    } catch (Throwable handlerFailure) {
      LOG.error("the unhandled-failure handler of runtime '{}' threw while handling: {}", settings.name(),
          description, handlerFailure);
    }
  }

  @Override
  public boolean isShutdown() {
    return state.get() != OPEN;
  }

  void checkAccepting(String what) {
    if (state.get() != OPEN) {
      throw rejected(what);
    }
  }

  RejectedException rejected(String what) {
    return new RejectedException("runtime '" + settings.name() + "' is shut down: cannot " + what
        + "; give work to the runtime before closing it, or create a new runtime");
  }

  @Override
  public void close() {
    shutdown(settings.shutdownGracePeriod());
  }

  @Override
  public boolean shutdown(Duration gracePeriod) {
    if (gracePeriod == null || gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod must be >= 0 (was " + gracePeriod + ")");
    }
    long graceNanos = saturatedNanos(gracePeriod);
    long graceDeadline = System.nanoTime() + graceNanos;
    boolean onOwnLoop = LoopThread.currentLoop() != null && loops.contains(LoopThread.currentLoop());
    boolean adaptersStopped = true;
    if (state.compareAndSet(OPEN, SHUTTING_DOWN)) {
      OPEN_RUNTIMES.remove(this);
      watchdog.stop();
      if (blockingCallDetector != null) {
        blockingCallDetector.stop(); // returns at once; the calls recorded so far are still delivered
      }
      // Adapters first, while the loops still run, so every future they settle does so on its
      // home loop: they refuse new calls and fail the waiting ones at once; the running ones get
      // the grace period, then their futures fail and their threads are interrupted.
      adapters.shutDownAll();
      if (onOwnLoop) {
        stopAdaptersInTheBackground(graceNanos); // a loop cannot wait for the grace period
      } else {
        adaptersStopped = adapters.awaitAll(graceNanos)
            || adapters.abortRunningAndAwait(graceNanos, INTERRUPTED_CALLS_WAIT_NANOS);
      }
      // A short quiet period lets completions that are in flight (a worker about to hand a
      // result back) still land on their loop instead of on the completing thread.
      long remaining = Math.max(0, graceDeadline - System.nanoTime());
      long quietNanos = Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(20));
      group.shutdownGracefully(quietNanos, Math.max(remaining, quietNanos), TimeUnit.NANOSECONDS);
    }
    if (onOwnLoop) {
      return false;
    }
    graceNanos = Math.max(0, graceDeadline - System.nanoTime());
    // Netty checks for late tasks every 100 ms of its quiet period: allow for one more check
    boolean terminated = awaitTermination(graceNanos + TimeUnit.MILLISECONDS.toNanos(300));
    if (!terminated) {
      for (LoopImpl loop : loops) {
        Thread thread = loop.thread();
        if (thread != null && !loop.eventLoop().isTerminated()) {
          LOG.warn("loop {} of runtime '{}' is still busy after the {} grace period; interrupting it. It is at:{}",
              loop.name(), settings.name(), Throwables.formatNanos(graceNanos), formatStack(thread.getStackTrace()));
          thread.interrupt();
        }
      }
      terminated = awaitTermination(TimeUnit.SECONDS.toNanos(1));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    boolean watchdogStopped = watchdog.awaitStop(TimeUnit.SECONDS.toNanos(1));
    boolean detectorStopped = blockingCallDetector == null || blockingCallDetector.awaitStop(TimeUnit.SECONDS.toNanos(4));
    boolean threadsEnded = terminated && awaitLoopThreadsEnded(deadline);
    if (terminated) {
      state.set(TERMINATED);
    }
    return threadsEnded && watchdogStopped && adaptersStopped && detectorStopped;
  }

  /**
   * Shutdown called on one of this runtime's loops, which must not wait: a thread of its own waits
   * out the grace period and aborts the calls still running.
   */
  private void stopAdaptersInTheBackground(long graceNanos) {
    Thread stopper = new Thread(() -> {
      if (!adapters.awaitAll(graceNanos)) {
        adapters.abortRunningAndAwait(graceNanos, INTERRUPTED_CALLS_WAIT_NANOS);
      }
    }, settings.name() + "-shutdown");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** Waits until every loop thread has ended; Netty reports termination just before that. */
  private boolean awaitLoopThreadsEnded(long deadline) {
    for (LoopImpl loop : loops) {
      Thread thread = loop.thread();
      if (thread == null) {
        continue;
      }
      try {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (thread.isAlive()) {
        return false;
      }
    }
    return true;
  }

  private boolean awaitTermination(long nanos) {
    try {
      return group.awaitTermination(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return group.isTerminated();
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE / 2;
    }
  }

  static String formatStack(StackTraceElement[] stack) {
    StringBuilder text = new StringBuilder();
    Arrays.stream(stack).forEach(frame -> text.append(System.lineSeparator()).append("\tat ").append(frame));
    return text.toString();
  }

  @Override
  public String toString() {
    return "AsyncRuntime[" + settings.name() + ", " + loops.size() + " loops, "
        + (state.get() == OPEN ? "open" : state.get() == SHUTTING_DOWN ? "shutting down" : "terminated") + "]";
  }

  /**
   * Creates the loop threads: non-daemon {@link LoopThread}s, like Netty's; each takes its loop's
   * name once it runs.
   */
  private static final class LoopThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    LoopThreadFactory(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
      return new LoopThread(task, prefix + next.getAndIncrement());
    }
  }
}
