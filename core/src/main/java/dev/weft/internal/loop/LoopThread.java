package dev.weft.internal.loop;

import dev.weft.internal.ForWeftModules;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * The thread of a Weft loop. It carries the loop it serves, so {@code Loop.current()} is a field
 * read instead of a thread-local lookup, and the depth of inline callbacks, which bounds recursion
 * when futures complete each other in long chains.
 */
@ForWeftModules
public final class LoopThread extends FastThreadLocalThread {
  private volatile LoopImpl loop; // set by the loop when it starts running on this thread
  private int callbackDepth; // read and written only by this thread

  LoopThread(Runnable task, String name) {
    super(task, name);
  }

  void bind(LoopImpl loop) {
    this.loop = loop;
  }

  /**
   * The loop the calling thread runs, or {@code null} off any Weft loop.
   *
   * @return the current loop or {@code null}
   */
  public static LoopImpl currentLoop() {
    Thread thread = Thread.currentThread();
    return thread instanceof LoopThread ? ((LoopThread) thread).loop : null;
  }

  /**
   * Enters one level of inline callbacks if the calling thread is {@code loop}'s thread and the
   * stack is not already deep; the caller must then {@link #exitInline()} in a finally block.
   *
   * @param loop the loop the callbacks belong to
   * @param maxDepth the deepest nesting allowed before callbacks go through the task queue
   * @return {@code true} if the caller may run the callbacks inline
   */
  public static boolean tryEnterInline(LoopImpl loop, int maxDepth) {
    Thread thread = Thread.currentThread();
    if (thread instanceof LoopThread) {
      LoopThread loopThread = (LoopThread) thread;
      if (loopThread.loop == loop && loopThread.callbackDepth < maxDepth) {
        loopThread.callbackDepth++;
        return true;
      }
    }
    return false;
  }

  /** Leaves a level entered with {@link #tryEnterInline}. */
  public static void exitInline() {
    ((LoopThread) Thread.currentThread()).callbackDepth--;
  }
}
