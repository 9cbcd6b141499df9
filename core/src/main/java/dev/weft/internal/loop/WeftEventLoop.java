package dev.weft.internal.loop;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.util.concurrent.Executor;

/*
 * Overview: Netty's I/O event loop with three additions.
 * - Its thread takes the loop's name and is bound to its LoopImpl as the loop starts (Netty
 *   creates loop threads lazily and in any order, so the thread factory cannot name them).
 * - Its task queue is a LoopTaskQueue, which the loop closes right after Netty's last drain
 *   (afterRunningAllTasks once the executor is shut down): every offer either fails, which Netty
 *   reports as RejectedExecutionException, or its task runs. Netty alone would accept a task in
 *   that window and then drop it. Timers added by those last tasks are cancelled, as Netty
 *   cancels all others at shutdown, so no schedule() future is left pending forever.
 * - The queue counts the tasks the loop runs (single writer: the loop thread).
 */

/** Netty's I/O event loop, bound to a Weft loop, that never loses an accepted task at shutdown. */
final class WeftEventLoop extends SingleThreadIoEventLoop {
  private final LoopTaskQueue taskQueue;
  private volatile LoopImpl loop; // set once, before the first task is accepted
  private volatile Thread thread; // the thread running this loop, once started

  WeftEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
    this(parent, executor, ioHandlerFactory, new LoopTaskQueue(newTaskQueue0(DEFAULT_MAX_PENDING_TASKS)));
  }

  private WeftEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory,
      LoopTaskQueue taskQueue) {
    super(parent, executor, ioHandlerFactory, taskQueue, newTaskQueue0(DEFAULT_MAX_PENDING_TASKS),
        RejectedExecutionHandlers.reject());
    this.taskQueue = taskQueue;
  }

  void attach(LoopImpl loop) {
    this.loop = loop;
  }

  @Override
  protected void run() {
    Thread current = Thread.currentThread();
    if (current instanceof LoopThread) {
      current.setName(loop.name());
      ((LoopThread) current).bind(loop);
    }
    thread = current; // after the rename: whoever sees the thread sees its final name
    super.run();
  }

  @Override
  protected void afterRunningAllTasks() {
    super.afterRunningAllTasks();
    if (isShutdown() && !taskQueue.isClosed()) {
      // Netty's last drain has run and it accepts nothing more; close the queue and run what
      // slipped in meanwhile, so that no accepted task is dropped
      taskQueue.close(WeftEventLoop::safeExecute);
      // Netty cancels pending timers before each drain, but a task run by the last drains may have
      // added one (a schedule() that raced with shutdown): cancel those too, or their futures
      // would never complete
      cancelScheduledTasks();
    }
  }

  long tasksRun() {
    return taskQueue.tasksRun();
  }

  Thread thread() {
    return thread;
  }
}
