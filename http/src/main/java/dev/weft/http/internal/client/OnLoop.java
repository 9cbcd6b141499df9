package dev.weft.http.internal.client;

import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/** Runs reactive-streams signals that may arrive on any thread on the loop that owns the state. */
final class OnLoop {
  private OnLoop() {}

  /**
   * Runs {@code task} now if the caller is on {@code loop}, else queues it there.
   *
   * @return false if the loop is gone (the runtime stopped, and the connection with it)
   */
  static boolean run(EventLoop loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return true;
    }
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException shutDown) {
      return false;
    }
  }
}
