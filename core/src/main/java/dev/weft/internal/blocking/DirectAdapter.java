package dev.weft.internal.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopThread;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs each call on the calling thread, which must not be a loop: the baseline in benchmarks and
 * a convenience in tests. Unbounded by nature (the callers are the bound); its timeout interrupts
 * the calling thread. The flag is cleared again before {@code call} returns if (and only if) the
 * timeout interrupted the call, so the caller keeps interrupts that are its own otherwise.
 */
public final class DirectAdapter extends AdapterBase {
  private final Set<CallTask<?>> running = ConcurrentHashMap.newKeySet();

  private DirectAdapter(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    super(runtime, settings);
  }

  /**
   * A direct adapter on {@code runtime}; not registered (it has no threads to close).
   *
   * @param runtime the runtime whose loops receive the results
   * @return the adapter
   */
  public static DirectAdapter create(AsyncRuntime runtime) {
    AdapterSettings settings = AdapterSettings.builder("direct", AdapterKind.DIRECT).build();
    return new DirectAdapter(DefaultAsyncRuntime.of(runtime, "the direct adapter"), settings);
  }

  @Override
  void admit(CallTask<?> task) {
    if (Thread.currentThread() instanceof LoopThread) {
      throw new IllegalStateException("the direct adapter runs calls on the calling thread, and "
          + Thread.currentThread().getName() + " is a loop thread: a blocking call here would stall the loop. "
          + "Use a bounded pool or virtual-thread adapter from loops");
    }
    if (closed) {
      throw reject();
    }
    if (!task.begin(Thread.currentThread())) {
      return;
    }
    task.startTimer(); // the call runs inside admission: its clock must start before it does
    running.add(task);
    try {
      task.execute();
    } finally {
      running.remove(task);
    }
  }

  @Override
  void dropped(CallTask<?> task) {}

  @Override
  void released(CallTask<?> task) {}

  @Override
  int queued() {
    return 0;
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
  void abortWaitingCalls() {} // none wait: each runs on its caller's thread at once

  @Override
  void abortRunningCalls() {
    for (CallTask<?> task : running) {
      task.abortRunning(abortedMessage());
    }
  }

  @Override
  List<Thread> liveThreads() {
    return List.of(); // the callers' threads are not the adapter's
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  boolean awaitTermination(long nanos) {
    return true;
  }
}
