package dev.weft.benchmarks.adapters;

import org.openjdk.jmh.infra.Blackhole;

/*
 * Overview: one batch of calls, driven on the site's loop. `credits` is how many more calls may
 * start now: the window at first, plus one per completed call. `pump` starts calls while there
 * are credits and calls left; it is not re-entrant, because a result may arrive inline (a Weft
 * future that completed before its callback was added fires at once on its home loop): such a
 * result adds a credit that the running pump then uses, so the stack never grows with the batch.
 * All fields but the signal are touched only on the loop thread; the batch starts through the
 * loop's task queue and ends through the signal's volatile write, both happens-before edges.
 */

/** Runs {@code total} calls through a site, {@code window} at a time, on the site's loop. */
final class Driver implements Sink, Runnable {
  private final CallSite site;
  private final int window;
  private final int total;
  private final BatchSignal signal = new BatchSignal();
  private Blackhole blackhole;
  private int started;
  private int completed;
  private int credits;
  private boolean pumping;

  Driver(CallSite site, int window, int total) {
    this.site = site;
    this.window = window;
    this.total = total;
    site.bind(this);
  }

  /**
   * Runs one batch and waits for its last result; called by the JMH thread.
   *
   * @param blackhole consumes every result
   */
  void runBatch(Blackhole blackhole) {
    this.blackhole = blackhole;
    signal.arm();
    site.loop().execute(this);
    signal.await();
  }

  /** Starts the batch, on the loop. */
  @Override
  public void run() {
    started = 0;
    completed = 0;
    credits = window;
    pump();
  }

  @Override
  public void accept(Object value, Throwable failure) {
    if (failure != null) {
      signal.fail(failure);
      return;
    }
    blackhole.consume(value);
    if (++completed == total) {
      signal.signal();
    } else {
      credits++;
      pump();
    }
  }

  private void pump() {
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      while (credits > 0 && started < total) {
        credits--;
        started++;
        site.call();
      }
    } catch (Throwable failure) {
      signal.fail(failure);
    } finally {
      pumping = false;
    }
  }
}
