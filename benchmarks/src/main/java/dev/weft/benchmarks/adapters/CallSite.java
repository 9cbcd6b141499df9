package dev.weft.benchmarks.adapters;

import java.util.concurrent.Executor;

/**
 * One way to make a blocking call from a loop and get its result back on that loop: a Weft adapter
 * or one of the peers. A driver runs on {@link #loop()}, calls {@link #call()}, and receives each
 * outcome on that same loop, through the sink given to {@link #bind}.
 */
interface CallSite extends AutoCloseable {

  /**
   * The loop where calls start and results arrive.
   *
   * @return an executor that runs tasks on the loop
   */
  Executor loop();

  /**
   * Sets who receives the outcomes; called once, before the first call.
   *
   * @param sink the receiver, called on {@link #loop()}
   */
  void bind(Sink sink);

  /** Starts one blocking call. Called on {@link #loop()}; the outcome reaches the sink there. */
  void call();

  /** Stops the site's threads, waiting a few seconds at most. */
  @Override
  void close();
}
