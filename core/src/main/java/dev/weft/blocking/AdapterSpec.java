package dev.weft.blocking;

import dev.weft.AsyncRuntime;

/**
 * The settings of an adapter, ready to build on a runtime: {@link BoundedPoolBuilder} and
 * {@link VirtualThreadsBuilder} are specs. Give one to
 * {@link dev.weft.AsyncRuntimeBuilder#blockingAdapter} or
 * {@link dev.weft.AsyncRuntimeBuilder#bulkhead}, or build it yourself.
 */
public interface AdapterSpec {

  /**
   * The name the adapter will have.
   *
   * @return the name
   */
  String name();

  /**
   * Checks the settings and builds the adapter on {@code runtime}, which then lists it in its
   * metrics, watches its slow calls and closes it on shutdown.
   *
   * @param runtime the runtime whose loops receive the results
   * @return a running adapter
   * @throws IllegalArgumentException naming the first setting out of range, or if the runtime
   *     already has an adapter of that name
   */
  BlockingAdapter build(AsyncRuntime runtime);
}
