package dev.weft.benchmarks.adapters;

import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
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

/**
 * Runs {@code total} calls, {@code window} at a time, on a loop: through a {@link CallSite}, or
 * through any {@link Starter} (the JDBC suite's queries).
 */
public final class Driver implements Sink, Runnable {

  /** Starts call number {@code index} on the loop; its outcome must reach {@code done} on the loop. */
  @FunctionalInterface
  public interface Starter {
    /**
     * Starts one call.
     *
     * @param index the call's number in its batch, from 0
     * @param done receives the result, or the failure, on the loop
     */
    void start(int index, BiConsumer<Object, Throwable> done);
  }

  private final Executor loop;
  private final Starter starter;
  private final int window;
  private final int total;
  private final BatchSignal signal = new BatchSignal();
  private Blackhole blackhole;
  private int started;
  private int completed;
  private int credits;
  private boolean pumping;

  Driver(CallSite site, int window, int total) {
    this(site.loop(), (index, done) -> site.call(), window, total);
    site.bind(this);
  }

  /**
   * A driver of calls started by {@code starter} on {@code loop}.
   *
   * @param loop runs tasks on the loop where calls start and results arrive
   * @param starter starts one call
   * @param window calls in flight at most
   * @param total calls per batch
   */
  public Driver(Executor loop, Starter starter, int window, int total) {
    this.loop = loop;
    this.starter = starter;
    this.window = window;
    this.total = total;
  }

  /**
   * Runs one batch and waits for its last result; called by the JMH thread.
   *
   * @param blackhole consumes every result
   */
  public void runBatch(Blackhole blackhole) {
    this.blackhole = blackhole;
    signal.arm();
    loop.execute(this);
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
        starter.start(started++, this);
      }
    } catch (Throwable failure) {
      signal.fail(failure);
    } finally {
      pumping = false;
    }
  }
}
