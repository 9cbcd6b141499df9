package dev.weft.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.VirtualThreadAdapter;
import java.time.Duration;

/**
 * Settings of a virtual-thread adapter (Java 21+): one virtual thread per call, at most
 * {@code maxConcurrency} at once, at most {@code maxQueue} waiting, the rest rejected. Virtual
 * threads are cheap, but the system behind the call (a database, a partner's API) is not: the
 * permits protect it, as a pool's size would.
 *
 * <p>The build stays Java 17: virtual threads are reached at run time. On a JVM older than 21,
 * {@link #build} throws {@link UnsupportedOperationException} naming the JVM's version.
 */
public final class VirtualThreadsBuilder implements AdapterSpec {
  private final AdapterSettings.Builder settings;

  VirtualThreadsBuilder(String name) {
    this.settings = AdapterSettings.builder(name, AdapterKind.VIRTUAL_THREADS);
  }

  /**
   * The most calls running at once. Default 256.
   *
   * @param maxConcurrency 1 to 1 000 000
   * @return this builder
   */
  public VirtualThreadsBuilder maxConcurrency(int maxConcurrency) {
    settings.maxConcurrency(maxConcurrency);
    return this;
  }

  /**
   * The most calls waiting for a permit. Default 1 000. The adapter refuses a call only when
   * {@code maxConcurrency + maxQueue} calls are in flight, so a call may wait a moment for a virtual
   * thread already on its way to it even with {@code maxQueue(0)}; the counts show such a call as
   * starting, not queued.
   *
   * @param maxQueue 0 to 1 000 000
   * @return this builder
   */
  public VirtualThreadsBuilder maxQueue(int maxQueue) {
    settings.maxQueue(maxQueue);
    return this;
  }

  /**
   * Whether cancelling a running call interrupts its virtual thread. Default true.
   *
   * @param interrupt false to let running calls finish (their result is dropped)
   * @return this builder
   */
  public VirtualThreadsBuilder interruptOnCancel(boolean interrupt) {
    settings.interruptOnCancel(interrupt);
    return this;
  }

  /**
   * A call running longer than this is reported once by the watchdog. Default 10 seconds.
   *
   * @param threshold 1 ms to 1 hour
   * @return this builder
   */
  public VirtualThreadsBuilder slowCallThreshold(Duration threshold) {
    settings.slowCallThreshold(threshold);
    return this;
  }

  @Override
  public String name() {
    return settings.name();
  }

  /**
   * {@inheritDoc}
   *
   * @throws UnsupportedOperationException on a JVM older than 21
   */
  @Override
  public BlockingAdapter build(AsyncRuntime runtime) {
    return VirtualThreadAdapter.start(runtime, settings.build());
  }
}
