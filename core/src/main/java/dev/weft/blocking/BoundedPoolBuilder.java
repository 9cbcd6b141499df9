package dev.weft.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.BoundedPool;
import java.time.Duration;

/**
 * Settings of a bounded pool of platform threads, the default kind of adapter.
 *
 * <p>Threads start on demand, one per call that finds no idle thread, up to {@code maxThreads}
 * (unlike {@code ThreadPoolExecutor}, which grows only once its queue is full); then calls wait in
 * a lock-free queue of at most {@code maxQueue}; beyond that they are rejected. An idle thread
 * polls for {@code spinBeforePark} before it parks (waking a parked thread costs tens of
 * microseconds on a VM; spinning trades CPU for latency), and stops after {@code keepAlive}.
 * Idle threads are woken most-recently-idle first, so a light load is served by few, warm threads.
 *
 * <p>Sizing: by Little's law, threads needed = calls per second x seconds per call. A JDBC pool of
 * 20 connections needs no more than 20 threads; more only queue inside the driver's pool.
 */
public final class BoundedPoolBuilder implements AdapterSpec {
  private final AdapterSettings.Builder settings;

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
   * How long an idle thread polls for work before parking. Default 50 µs; 0 parks at once.
   *
   * @param spin 0 to 10 ms
   * @return this builder
   */
  public BoundedPoolBuilder spinBeforePark(Duration spin) {
    settings.spinBeforePark(spin);
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

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public BlockingAdapter build(AsyncRuntime runtime) {
    return BoundedPool.start(runtime, settings.build());
  }
}
