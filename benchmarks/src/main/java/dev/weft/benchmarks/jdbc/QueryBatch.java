package dev.weft.benchmarks.jdbc;

import dev.weft.Loop;
import dev.weft.benchmarks.adapters.BatchSignal;
import java.util.function.BiConsumer;
import org.openjdk.jmh.infra.Blackhole;

/*
 * Overview: one batch of queries, driven on the loop. `credits` is how many more queries may start
 * now: the window at first, plus one per completed query. `pump` starts queries while there are
 * credits and queries left; it is not re-entrant, because a result may arrive inline (a Weft future
 * that completed before its callback was added fires at once on its home loop): such a result adds
 * a credit that the running pump then uses, so the stack never grows with the batch. All fields but
 * the signal are touched only on the loop thread; the batch starts through the loop's task queue
 * and ends through the signal's volatile write, both happens-before edges.
 */

/** Runs {@code total} queries through a {@link Path}, {@code window} at a time, on a Weft loop. */
final class QueryBatch implements BiConsumer<Object, Throwable>, Runnable {

  /** One way to run the query from the loop and get its result back on that loop. */
  @FunctionalInterface
  interface Path {
    /**
     * Starts one query; called on the loop, and {@code done} must be called on the loop too.
     *
     * @param key the primary key to select
     * @param done receives the rows, or the failure
     */
    void start(Integer key, BiConsumer<Object, Throwable> done);
  }

  private final Loop loop;
  private final Path path;
  private final int window;
  private final int total;
  private final BatchSignal signal = new BatchSignal();
  private Blackhole blackhole;
  private int started;
  private int completed;
  private int credits;
  private boolean pumping;

  QueryBatch(Loop loop, Path path, int window, int total) {
    this.loop = loop;
    this.path = path;
    this.window = window;
    this.total = total;
  }

  /**
   * Runs one batch and waits for its last result; called by the JMH thread, which pays one loop hop
   * per batch.
   *
   * @param blackhole consumes every result
   */
  void run(Blackhole blackhole) {
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
  public void accept(Object rows, Throwable failure) {
    if (failure != null) {
      signal.fail(failure);
      return;
    }
    blackhole.consume(rows);
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
        path.start(ItemDatabase.key(started++), this);
      }
    } catch (Throwable failure) {
      signal.fail(failure);
    } finally {
      pumping = false;
    }
  }
}
