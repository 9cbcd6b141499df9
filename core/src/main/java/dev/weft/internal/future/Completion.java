package dev.weft.internal.future;

import dev.weft.Context;

/**
 * A callback waiting on a promise: a node of the promise's lock-free stack. Each kind of callback
 * is its own small class, so registering one allocates one object.
 */
abstract class Completion {
  Completion next; // written before the node is published by CAS; read by the draining loop thread
  Context context; // the registering code's context (null: root); restored while the node fires

  /**
   * Reacts to the source's result. Runs on the source's home loop (except {@link Waiter}, which
   * only unparks a thread).
   *
   * @param result the source's raw result: a value, {@code DefaultPromise.NULL_RESULT} or a
   *     {@link Failure}
   */
  abstract void fire(Object result) throws Throwable;
}
