/**
 * Weft's future: a result that arrives later, whose callbacks run on its home loop.
 *
 * <p>The five rules: (1) a future has a home loop and every callback and combinator runs there,
 * whichever thread completed it; (2) failures arrive as the original exception, never wrapped;
 * (3) a failure that nobody observed is reported to the runtime's unhandled-failure handler;
 * (4) cancelling a future cancels the work that produces it; (5) a blocking {@code join()} on a
 * loop thread throws instead of deadlocking the loop.
 */
package dev.weft.future;
