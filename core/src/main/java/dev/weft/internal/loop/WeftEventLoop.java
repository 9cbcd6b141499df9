package dev.weft.internal.loop;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * Netty's I/O event loop with two additions: it binds its thread to its {@link LoopImpl} when it
 * starts, and counts the tasks it runs (single writer: the loop thread; readers use opaque reads).
 */
final class WeftEventLoop extends SingleThreadIoEventLoop {
  private static final VarHandle TASKS_RUN;

  static {
    try {
      TASKS_RUN = MethodHandles.lookup().findVarHandle(WeftEventLoop.class, "tasksRun", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile LoopImpl loop; // set once, before the first task is accepted
  private volatile Thread thread; // the thread running this loop, once started
  @SuppressWarnings("unused") // accessed through TASKS_RUN
  private long tasksRun; // written only by the loop thread

  WeftEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
    super(parent, executor, ioHandlerFactory);
  }

  void attach(LoopImpl loop) {
    this.loop = loop;
  }

  @Override
  protected void run() {
    Thread current = Thread.currentThread();
    thread = current;
    if (current instanceof LoopThread) {
      // Netty starts loop threads lazily, in any order: the thread takes its loop's name here
      current.setName(loop.name());
      ((LoopThread) current).bind(loop);
    }
    super.run();
  }

  @Override
  protected Runnable pollTask() {
    Runnable task = super.pollTask();
    if (task != null) {
      TASKS_RUN.setOpaque(this, (long) TASKS_RUN.getOpaque(this) + 1);
    }
    return task;
  }

  long tasksRun() {
    return (long) TASKS_RUN.getOpaque(this);
  }

  Thread thread() {
    return thread;
  }
}
