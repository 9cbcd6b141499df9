package dev.weft.internal.detect;

import dev.weft.metrics.BlockingCallSite.Kind;
import java.util.List;

/*
 * Overview: which JFR events on a loop thread are the loop's own machinery, never a user's blocking
 * call. Decided by what the event can come from, not by how long it lasted:
 *
 * - The idle wait. Netty's NIO loop waits in Selector.select (epoll_wait, a native call that emits
 *   no JFR event at all). The only events a select can emit are monitor events on the selector's
 *   own locks (SelectorImpl's monitor, EPollSelectorImpl's interrupt lock, contended when another
 *   thread wakes the loop up): their stacks go through a JDK selector class (sun.nio.ch.*SelectorImpl)
 *   or Netty's SelectedSelectionKeySetSelector. No user code runs under those frames (Netty does
 *   not use the select(Consumer) form), so any event with such a frame is the loop's own.
 * - Netty's channel I/O. Netty sets every channel non-blocking, so a jdk.SocketRead/SocketWrite
 *   whose caller (the first frame outside the JDK) is Netty's channel or buffer code cannot have
 *   waited for the peer; a long one was preempted, not blocked. A user's blocking socket call
 *   inside a handler has the user's class as its caller and is still reported.
 * - Netty's promise notification. A Netty promise completed on the loop (a channel's close or
 *   write future) takes its own monitor to wake threads waiting in await()/sync() elsewhere; such a
 *   waiter holds it only to check and enter wait(), so the loop can meet it contended for a few
 *   microseconds (seen at a zero threshold on JDK 25). That is the cost of a waiter on another
 *   thread, inside Netty, not a call the user made on the loop: a MONITOR_ENTER whose top frame is
 *   Netty's DefaultPromise is the loop's own.
 * - Class loading. The first use of a class reads it from its jar (jdk.FileRead under
 *   ClassLoader.loadClass / jdk.internal.loader frames): once per class, the JVM's doing, not a
 *   call the user can move to an adapter. (A static initialiser that blocks is still reported.)
 * - Shutdown. Netty's quiet period sleeps in SingleThreadEventExecutor.confirmShutdown, and Weft's
 *   LoopTaskQueue.close locks its stranded list; both run only while the runtime stops (the
 *   detector also ignores events that begin after it was told to stop).
 */

/**
 * Recognises the JFR events a loop causes itself: its idle wait, its non-blocking channel I/O,
 * Netty's promise notification, class loading, its shutdown.
 */
final class LoopOwnWaits {
  private static final String NETTY_SELECTOR = "io.netty.channel.nio.SelectedSelectionKeySetSelector";
  private static final String NETTY_QUIET_PERIOD = "io.netty.util.concurrent.SingleThreadEventExecutor";
  private static final String WEFT_TASK_QUEUE = "dev.weft.internal.loop.LoopTaskQueue";
  private static final String NETTY_PROMISE = "io.netty.util.concurrent.DefaultPromise";

  private LoopOwnWaits() {}

  /**
   * Whether an event of {@code kind} with this stack is the loop's own.
   *
   * @param kind the kind of event
   * @param frames the stack, top frame first
   * @return {@code true} if it must not be reported
   */
  static boolean isOwn(Kind kind, List<Frame> frames) {
    if (kind == Kind.MONITOR_ENTER && !frames.isEmpty() && frames.get(0).type().equals(NETTY_PROMISE)) {
      return true;
    }
    for (Frame frame : frames) {
      String type = frame.type();
      if (isJdkSelector(type) || type.equals(NETTY_SELECTOR) || type.equals(WEFT_TASK_QUEUE) || isClassLoading(frame)
          || (type.equals(NETTY_QUIET_PERIOD) && frame.method().equals("confirmShutdown"))) {
        return true;
      }
    }
    if (kind == Kind.SOCKET_READ || kind == Kind.SOCKET_WRITE) {
      Frame caller = Frame.firstOutsideJdk(frames);
      return caller != null && (caller.type().startsWith("io.netty.channel.") || caller.type().startsWith("io.netty.buffer."));
    }
    return false;
  }

  private static boolean isClassLoading(Frame frame) {
    return frame.type().startsWith("jdk.internal.loader.")
        || (frame.type().equals("java.lang.ClassLoader") && frame.method().equals("loadClass"));
  }

  private static boolean isJdkSelector(String type) {
    return type.startsWith("sun.nio.ch.") && type.endsWith("SelectorImpl");
  }
}
