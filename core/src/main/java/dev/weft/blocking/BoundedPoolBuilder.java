package dev.weft.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.BoundedPool;
import dev.weft.internal.blocking.LimitedAdapter;
import dev.weft.limit.AdaptiveLimit;
import java.time.Duration;

/**
 * Settings of a bounded pool of platform threads, the default kind of adapter.
 *
 * <p>Threads start on demand: a call that finds no idle thread and none on its way starts one, up
 * to {@code maxThreads}, so a burst of {@code maxThreads} calls has that many threads running within
 * the time it takes to start them (unlike {@code ThreadPoolExecutor}, which grows past its core size
 * only once its queue is full). Then
 * calls wait in a lock-free queue of at most {@code maxQueue}; beyond that they are rejected. A
 * service that knows its burst at boot can start threads with the pool ({@code prestartThreads}).
 * Idle threads are woken most-recently-idle first, so a light load is served by few, warm threads;
 * a thread idle for {@code keepAlive} stops.
 *
 * <p>Spinning: waking a parked thread costs tens of microseconds on a VM, so an idle thread may poll
 * for up to {@code spinBeforePark} before it parks, trading CPU for latency. The pool spins only
 * where that pays: never when the JVM has one CPU (the spinner would take the core that the caller
 * needs to submit the next call), with at most half the CPUs' worth of threads at once, and only
 * while recent spins found calls; after a few empty spins idle threads park at once, until a call
 * again comes within the spin.
 *
 * <p>Counts in {@link AdapterStats} and in the rejection message: a call accepted while fewer than
 * {@code maxThreads} calls run has a thread (one running, starting or being woken for it) and is
 * counted as starting, not queued; {@code queued} counts only calls beyond the threads, so it never
 * exceeds {@code maxQueue}. A cold pool given more calls than it holds says so: {@code (0/8 running,
 * 8 starting, 16/16 queued)}.
 *
 * <p>Sizing: by Little's law, threads needed = calls per second x seconds per call. A JDBC pool of
 * 20 connections needs no more than 20 threads; more only queue inside the driver's pool.
 */
public final class BoundedPoolBuilder implements AdapterSpec {
  private final AdapterSettings.Builder settings;
  private AdaptiveLimit adaptiveLimit; // null: the fixed maxThreads, the default

  BoundedPoolBuilder(String name) {
    this.settings = AdapterSettings.builder(name, AdapterKind.BOUNDED_POOL);
  }

  /**
   * The most threads, i.e. calls running at once. Default 64.
   *
   * @param maxThreads 1 to 10 000
   * @return this builder
   */
  public BoundedPoolBuilder maxThreads(int maxThreads) {
    settings.maxConcurrency(maxThreads);
    return this;
  }

  /**
   * The most calls waiting for a thread. Default 1 000. 0 means no waiting: a call that finds
   * every thread busy is rejected.
   *
   * @param maxQueue 0 to 1 000 000
   * @return this builder
   */
  public BoundedPoolBuilder maxQueue(int maxQueue) {
    settings.maxQueue(maxQueue);
    return this;
  }

  /**
   * How long an idle thread lives. Default 60 seconds.
   *
   * @param keepAlive 1 ms to 1 hour
   * @return this builder
   */
  public BoundedPoolBuilder keepAlive(Duration keepAlive) {
    settings.keepAlive(keepAlive);
    return this;
  }

  /**
   * The longest an idle thread polls for work before parking. Default 50 µs; 0 parks at once. The
   * pool spins less, or not at all, where a spin would not pay (one CPU, calls that come rarely):
   * see the class description.
   *
   * @param spin 0 to 10 ms
   * @return this builder
   */
  public BoundedPoolBuilder spinBeforePark(Duration spin) {
    settings.spinBeforePark(spin);
    return this;
  }

  /**
   * Threads started with the pool, before any call, for a service that knows its first burst. They
   * stop after {@code keepAlive} if no call comes, as any idle thread does. Default 0: threads start
   * on demand.
   *
   * @param prestartThreads 0 to {@code maxThreads}, checked when the pool is built
   * @return this builder
   */
  public BoundedPoolBuilder prestartThreads(int prestartThreads) {
    settings.prestartThreads(prestartThreads);
    return this;
  }

  /**
   * Whether cancelling a running call (or its timeout) interrupts its thread. Default true.
   *
   * @param interrupt false to let running calls finish (their result is dropped)
   * @return this builder
   */
  public BoundedPoolBuilder interruptOnCancel(boolean interrupt) {
    settings.interruptOnCancel(interrupt);
    return this;
  }

  /**
   * A call running longer than this is reported once by the watchdog: a WARN with the thread's
   * stack and a JFR event. Default 10 seconds.
   *
   * @param threshold 1 ms to 1 hour
   * @return this builder
   */
  public BoundedPoolBuilder slowCallThreshold(Duration threshold) {
    settings.slowCallThreshold(threshold);
    return this;
  }

  /**
   * Lets the number of calls running at once adapt to the backend, below {@code maxThreads}: an
   * {@linkplain AdaptiveLimit adaptive limit} measures the latency and outcome of completed calls
   * and moves between its floor and {@code maxThreads} (or its own ceiling). Calls beyond the
   * current limit wait in the queue ({@code maxQueue}) and are rejected beyond it, with a message
   * that names the limit and why it is there. Read the limit with
   * {@link BlockingAdapter#limitStats()}. Default: none, {@code maxThreads} is the fixed limit.
   *
   * <pre>{@code
   * Adapters.boundedPool("legacy").maxThreads(64).maxQueue(100).adaptiveLimit(AdaptiveLimit.vegas().floor(2))
   * }</pre>
   *
   * @param limit the limit's settings
   * @return this builder
   */
  public BoundedPoolBuilder adaptiveLimit(AdaptiveLimit limit) {
    this.adaptiveLimit = java.util.Objects.requireNonNull(limit,
        "adaptiveLimit must not be null: pass AdaptiveLimit.vegas(), or do not call it for a fixed limit");
    return this;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public BlockingAdapter build(AsyncRuntime runtime) {
    AdapterSettings checked = settings.build();
    return adaptiveLimit == null ? BoundedPool.start(runtime, checked)
        : LimitedAdapter.start(runtime, checked, adaptiveLimit);
  }
}
