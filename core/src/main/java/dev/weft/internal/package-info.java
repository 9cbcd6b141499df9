/**
 * Weft's implementation. Nothing under {@code dev.weft.internal} is API: it may change in any
 * release, and users should never import it.
 *
 * <h2>The layer Weft's own modules build on</h2>
 *
 * <p>weft-http and weft-jdbc-bridge need a little more than the public API: to home promises on a
 * loop without a hop, schedule internal timers, bind Netty channels to the runtime's loops. They
 * may use exactly these types, each marked {@link dev.weft.internal.ForWeftModules}; their tests
 * fail on any other reference to {@code dev.weft.internal} (the rule is
 * {@code dev.weft.testing.InternalLayerRule}, in weft-core's test-jar):
 *
 * <ul>
 *   <li>{@code loop.DefaultAsyncRuntime} — enter with {@code DefaultAsyncRuntime.of(runtime, user)},
 *       which refuses a foreign {@code AsyncRuntime} with one clear message; then
 *       {@code nextLoop()}, {@code eventLoopGroup()}, {@code adapters()}, {@code reportUnhandled},
 *       {@code showAdapterAs} (the JDBC bridge shows its gate and adapter as one in the metrics).
 *   <li>{@code loop.LoopImpl} — enter with {@code LoopImpl.of(loop, user)}; {@code dispatch},
 *       {@code scheduleInternal}, {@code eventLoop()}.
 *   <li>{@code loop.LoopThread} — {@code currentLoop()}: the loop of the calling thread, or null.
 *   <li>{@code future.DefaultPromise} — a promise homed on a given loop; {@code homeLoop()}.
 *   <li>{@code context.ContextStorage} — {@code capture()}, {@code attach}, {@code restore}: run
 *       work registered on one thread with its registrar's context and thread-locals on another.
 *   <li>{@code metrics.TimingRecorder} — counts, sums and recent-window percentiles of a timed
 *       quantity, for the modules' own metrics; {@code metrics.SnapshotCache} — one snapshot shared
 *       by the meters a registry reads in one publication.
 *   <li>{@link dev.weft.internal.SettingChecks} — range checks whose messages all have one shape.
 *   <li>{@link dev.weft.internal.Throwables} — rethrowing unwrapped, formatting durations.
 *   <li>{@code limit.AdaptiveGate} and {@code limit.Outcome} — an adaptive concurrency limit's permits:
 *       {@code create}, {@code tryAcquire}/{@code acquire}, {@code Permit.release(outcome)},
 *       {@code describe()}, {@code stats()} (the HTTP server's admission, the JDBC bridge).
 *   <li>{@code blocking.ThreadsStarting} — {@code in(adapter)}: a refusal came while the pool's
 *       threads were still starting (the HTTP server's admission wait waits for them).
 *   <li>{@link dev.weft.internal.WeftLoggers} — every Weft logger: SLF4J's, or {@code java.util.logging}
 *       when SLF4J has no provider, so warnings never vanish.
 * </ul>
 *
 * <p>Why a marked layer and not a {@code module-info}: most users run on the class path, where a
 * module descriptor hides nothing, and Netty's and HdrHistogram's automatic modules would make a
 * descriptor brittle; the jars carry {@code Automatic-Module-Name}s instead, and the boundary
 * between Weft's own modules is enforced by their tests.
 */
package dev.weft.internal;
