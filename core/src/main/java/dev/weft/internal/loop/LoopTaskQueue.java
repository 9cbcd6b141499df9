package dev.weft.internal.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

/*
 * Overview: the task queue of one loop, closable so that a task the loop accepted is never lost
 * when the loop stops.
 *
 * Why: Netty checks "shut down?" before it enqueues a task, and after its last drain it throws
 * away whatever is still queued (or leaves it there). A task enqueued between the check and the
 * last drain is accepted (execute returns normally) but never runs: a lost completion, a join()
 * that never returns. A stress test (shutdown racing with execute) loses a few tasks per second.
 *
 * States: open -> closed, once, by the loop thread after Netty's last drain (close()).
 * - Open: it is Netty's MPSC queue; any thread offers, only the loop thread consumes.
 * - close(): sets `closed`, then, holding `lock`, takes every task still queued (first those that
 *   producers moved to `stranded`, which were queued before the rest) and runs them on the loop
 *   thread after releasing the lock. From then on the Queue methods show an empty queue, so Netty
 *   consumes nothing more; only holders of `lock` touch `tasks`, so it never has two consumers.
 * - offer(): refuses at once when closed. Otherwise it enqueues, then reads `closed` again:
 *   still open: the loop had not closed when the task was enqueued, so close() will take it;
 *   closed: close() may or may not have taken it. Holding the lock, the producer moves what is
 *   queued to `stranded` and looks for its own task. Found: close() cannot have seen it (it
 *   drains once, under the lock), so it never runs and the offer fails, which Netty turns into a
 *   RejectedExecutionException. Not found: close() took it and runs it; the offer succeeds.
 *
 * Memory ordering: the producer's enqueue then read of `closed`, and the loop's write of `closed`
 * then drain, are volatile accesses (JCTools' producer index is updated atomically), so by the
 * Dekker argument at least one side sees the other: every task is run by close() or taken back by
 * its producer, never neither and never both.
 */

/** The task queue of a {@link WeftEventLoop}: Netty's MPSC queue that the loop closes when it stops. */
final class LoopTaskQueue extends AbstractQueue<Runnable> {
  private static final VarHandle TASKS_RUN;

  static {
    try {
      TASKS_RUN = MethodHandles.lookup().findVarHandle(LoopTaskQueue.class, "tasksRun", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Queue<Runnable> tasks; // MPSC; consumed by the loop thread while open, under `lock` once closed
  private final Object lock = new Object();
  private final ArrayDeque<Runnable> stranded = new ArrayDeque<>(); // guarded by lock; enqueued after close
  private volatile boolean closed; // set once, by the loop thread
  @SuppressWarnings("unused") // accessed through TASKS_RUN
  private long tasksRun; // tasks handed to the loop to run; written only by the loop thread

  LoopTaskQueue(Queue<Runnable> tasks) {
    this.tasks = tasks;
  }

  @Override
  public boolean offer(Runnable task) {
    if (closed || !tasks.offer(task)) {
      return false;
    }
    if (!closed) {
      return true;
    }
    synchronized (lock) {
      for (Runnable queued; (queued = tasks.poll()) != null; ) {
        stranded.addLast(queued);
      }
      for (Iterator<Runnable> it = stranded.iterator(); it.hasNext(); ) {
        if (it.next() == task) {
          it.remove();
          return false; // enqueued after the loop's last look: never ran
        }
      }
      return true; // the loop took it before closing and runs it
    }
  }

  /** Loop thread only. */
  @Override
  public Runnable poll() {
    if (closed) {
      return null;
    }
    Runnable task = tasks.poll();
    if (task != null) {
      countRun();
    }
    return task;
  }

  /** Loop thread only. */
  @Override
  public Runnable peek() {
    return closed ? null : tasks.peek();
  }

  @Override
  public boolean isEmpty() {
    return closed || tasks.isEmpty();
  }

  @Override
  public int size() {
    return closed ? 0 : tasks.size();
  }

  /** Tasks are never removed by identity: each one runs, or its producer is told it was refused. */
  @Override
  public boolean remove(Object task) {
    return false;
  }

  @Override
  public Iterator<Runnable> iterator() {
    throw new UnsupportedOperationException("a loop's task queue cannot be iterated");
  }

  /**
   * Closes the queue and runs, on the calling loop thread, every task still in it. Later offers
   * fail. Loop thread only, after Netty's last drain; idempotent.
   *
   * @param runner runs one task, reporting what it throws
   */
  void close(Consumer<Runnable> runner) {
    if (closed) {
      return;
    }
    closed = true;
    List<Runnable> last = new ArrayList<>();
    synchronized (lock) {
      last.addAll(stranded);
      stranded.clear();
      for (Runnable queued; (queued = tasks.poll()) != null; ) {
        last.add(queued);
      }
    }
    for (Runnable task : last) {
      countRun();
      runner.accept(task);
    }
  }

  boolean isClosed() {
    return closed;
  }

  long tasksRun() {
    return (long) TASKS_RUN.getOpaque(this);
  }

  private void countRun() {
    TASKS_RUN.setOpaque(this, (long) TASKS_RUN.getOpaque(this) + 1);
  }
}
