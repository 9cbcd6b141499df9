package dev.weft;

import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.metrics.RuntimeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The root of Weft: a set of event loops, the watchdog that reports blocked loops, and the
 * handler of failures nobody observed. Create one per service (or per test), share it, and
 * {@linkplain #close() close} it when the service stops.
 *
 * <pre>{@code
 * try (AsyncRuntime runtime = AsyncRuntime.create()) {
 *   Future<String> greeting = runtime.nextLoop().submit(() -> Future.succeeded("hello"));
 *   System.out.println(greeting.map(String::toUpperCase).join());
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe.
 */
public interface AsyncRuntime extends AutoCloseable {

  /**
   * A runtime with the default settings: one loop per available processor, watchdog every 50 ms
   * with a 100 ms blocked threshold, failures logged through SLF4J.
   *
   * @return a started runtime
   */
  static AsyncRuntime create() {
    return builder().build();
  }

  /**
   * A builder for a runtime with chosen settings.
   *
   * @return a new builder with the default settings
   */
  static AsyncRuntimeBuilder builder() {
    return new AsyncRuntimeBuilder();
  }

  /**
   * The {@code asyncio.run} of Weft, for {@code main} methods: creates a runtime with the default
   * settings, calls {@code main} on one of its loops, waits for the future it returns, shuts the
   * runtime down and returns the result, or throws the failure as it is (not wrapped).
   *
   * @param main the asynchronous main; runs on a loop thread, so it must not block
   * @param <T> the result type
   * @return the result of {@code main}'s future
   * @throws Exception the failure of {@code main}'s future, unwrapped
   */
  static <T> T run(Function<? super AsyncRuntime, ? extends Future<T>> main) throws Exception {
    return builder().run(main);
  }

  /**
   * The runtime's name, which prefixes the names of all its threads.
   *
   * @return the name, e.g. {@code weft}
   */
  String name();

  /**
   * A loop for new work, chosen round-robin.
   *
   * @return one of this runtime's loops
   */
  Loop nextLoop();

  /**
   * All loops, in a fixed order.
   *
   * @return an unmodifiable list
   */
  List<Loop> loops();

  /**
   * The default blocking adapter: a bounded pool named {@code blocking} unless the builder chose
   * another ({@link AsyncRuntimeBuilder#blockingAdapter}). Blocking calls made from loops belong
   * here (or in a bulkhead), never directly on the loop.
   *
   * @return the default adapter
   */
  BlockingAdapter blocking();

  /**
   * The adapter (bulkhead) named {@code name}: one declared with
   * {@link AsyncRuntimeBuilder#bulkhead}, built on this runtime from an
   * {@link dev.weft.blocking.AdapterSpec}, or the default one.
   *
   * @param name the adapter's name
   * @return the adapter
   * @throws IllegalArgumentException if this runtime has no adapter of that name (the message
   *     lists the names it has)
   */
  BlockingAdapter adapter(String name);

  /**
   * A snapshot of the runtime's metrics: per loop, tasks run, loop lag and blocked incidents; per
   * adapter (a JDBC bridge's shows the bridge whole), its counters, gauges and latencies; failures
   * reported as unhandled. Counters and sums cover the time since start, percentiles the last
   * minute ({@link dev.weft.metrics.Timing}). Cheap enough to call every second; to export, bind
   * {@code dev.weft.micrometer.AsyncRuntimeMeters} to a Micrometer registry.
   *
   * @return a new snapshot
   */
  RuntimeMetrics metrics();

  /**
   * Reports a failure to the runtime's unhandled-failure handler, as Weft does for failures that
   * would otherwise be lost. Never throws.
   *
   * @param description what the failure escaped from
   * @param failure the failure
   */
  void reportUnhandled(String description, Throwable failure);

  /**
   * Whether shutdown has begun: new work is refused.
   *
   * @return {@code true} once {@link #close()} or {@link #shutdown} was called
   */
  boolean isShutdown();

  /**
   * Shuts down. After {@code shutdown} begins, no new task or blocking call is accepted
   * ({@link RejectedException}); no blocking call that was waiting for a thread ever starts — its
   * future fails at once with a {@link java.util.concurrent.CancellationException} saying so;
   * calls already running and tasks already queued on the loops get {@code gracePeriod} to finish;
   * when it ends, the futures of the calls still running fail with a {@code CancellationException}
   * and their threads are interrupted (whatever {@code interruptOnCancel} says), and busy loop
   * threads are interrupted too. So every future of this runtime's adapters settles, by the end of
   * the grace period at the latest. Callbacks run on their home loop while it still runs (adapters
   * are stopped before the loops); a callback added after its loop has ended runs on the thread
   * that completes or adds it. Idempotent; concurrent callers all wait. Called on one of this
   * runtime's own loop threads, it starts the shutdown (the grace period is then waited out by a
   * thread of its own, {@code <runtime>-shutdown}) and returns {@code false} without waiting,
   * since the calling loop can only stop once the call returns.
   *
   * @param gracePeriod how long running calls and queued loop tasks may still run, {@code >= 0}
   * @return {@code true} once every loop thread, the watchdog thread and every adapter thread
   *     has ended; {@code false} if some still run — an interrupted call that ignores its interrupt
   *     keeps its thread until it returns, and each such thread is logged at WARN with its stack —
   *     or if called on a loop
   */
  boolean shutdown(Duration gracePeriod);

  /**
   * Shuts down with the grace period set on the builder (10 seconds by default).
   *
   * @see #shutdown(Duration)
   */
  @Override
  void close();
}
