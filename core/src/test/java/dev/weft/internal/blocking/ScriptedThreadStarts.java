package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.BlockingAdapter;
import java.util.function.Consumer;

/**
 * Test support for dev.weft.blocking.ThreadStartFailureTest, which needs this package's access:
 * adapters whose threads are started by the test, so that a start can fail (as {@code Thread.start}
 * does when the JVM is out of native threads), wait, or be put off.
 */
public final class ScriptedThreadStarts {
  private ScriptedThreadStarts() {}

  /**
   * A bounded pool, registered on {@code runtime}, whose workers' threads {@code starter} starts.
   *
   * @param runtime the runtime
   * @param settings the pool's settings
   * @param starter starts the thread it is given, throws, or keeps it to start later
   * @return the pool
   */
  public static BlockingAdapter boundedPool(AsyncRuntime runtime, AdapterSettings settings, Consumer<Thread> starter) {
    return BoundedPool.start(runtime, settings, starter::accept);
  }

  /**
   * A "virtual-thread" adapter, registered on {@code runtime}, whose threads run
   * {@code beforeEachStart} as they are started: it may throw (the start fails) or wait. Platform
   * threads stand in for virtual ones: the adapter only makes and starts them.
   *
   * @param runtime the runtime
   * @param settings the adapter's settings
   * @param beforeEachStart runs on the starting thread before each start
   * @return the adapter
   */
  public static BlockingAdapter virtualThreads(AsyncRuntime runtime, AdapterSettings settings, Runnable beforeEachStart) {
    return VirtualThreadAdapter.start(runtime, settings, task -> new Thread(task) {
      @Override
      public synchronized void start() {
        beforeEachStart.run();
        super.start();
      }
    });
  }
}
