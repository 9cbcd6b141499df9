package dev.weft.benchmarks.adapters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells the JMH thread that a batch it handed to a loop has finished. The JMH thread parks rather
 * than spins, so on a 2-core machine it leaves both cores to the loop and the workers; its wake-up
 * is part of the loop hop, paid once per batch. A batch that takes longer than a minute fails the
 * benchmark instead of hanging the run.
 */
public final class BatchSignal {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private volatile Thread waiter; // the JMH thread, set before the batch starts
  private volatile boolean done; // set once per batch, after its last call completed
  private volatile Throwable failure; // set before done when the batch failed

  /** Arms the signal for a new batch; called by the waiting thread before it starts the batch. */
  public void arm() {
    failure = null;
    done = false;
    waiter = Thread.currentThread();
  }

  /** Marks the batch finished and wakes the waiter. */
  public void signal() {
    done = true;
    LockSupport.unpark(waiter);
  }

  /**
   * Marks the batch failed and wakes the waiter, which then throws {@code cause}.
   *
   * @param cause why the batch failed
   */
  public void fail(Throwable cause) {
    failure = cause;
    signal();
  }

  /**
   * Parks until the batch has finished.
   *
   * @throws IllegalStateException if the batch failed or took longer than a minute
   */
  public void await() {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (!done) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("a batch did not finish within 60 s: a call was lost or the loop is stuck");
      }
      LockSupport.parkNanos(this, left);
    }
    Throwable cause = failure;
    if (cause != null) {
      throw new IllegalStateException("the batch failed: " + cause, cause);
    }
  }
}
