/**
 * Weft's entry points: {@link dev.weft.AsyncRuntime} (the loops, the watchdog, the
 * unhandled-failure handler) and {@link dev.weft.Loop} (one event-loop thread).
 *
 * <p>Threading in one paragraph: every {@link dev.weft.future.Future} has a home loop, and all
 * of its callbacks run on that loop's thread, whichever thread completed it. Loop threads must
 * never block; the runtime's watchdog reports the ones that do. Blocking work goes through a
 * blocking adapter.
 */
package dev.weft;
