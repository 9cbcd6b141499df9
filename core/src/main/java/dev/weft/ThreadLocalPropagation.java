package dev.weft;

import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.context.MicrometerThreadLocals;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;

/**
 * Carries thread-local values — SLF4J's MDC, OpenTelemetry's current span, anything with a
 * Micrometer {@code ThreadLocalAccessor} — across every hop Weft makes, as {@link Context} already
 * travels: a task given to a loop, a callback on a future, a call given to a blocking adapter (pool
 * threads and virtual threads), a task group's child, a JDBC bridge statement, an HTTP handler.
 *
 * <p>It uses Micrometer's context-propagation library ({@code io.micrometer:context-propagation},
 * an optional dependency: add it to use this class). Register accessors with its
 * {@code ContextRegistry} (Micrometer Tracing and Spring register theirs; for the MDC,
 * {@code io.micrometer.context.integration.Slf4jThreadLocalAccessor}), then call {@link #enable()}
 * once at start-up:
 *
 * <pre>{@code
 * ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
 * ThreadLocalPropagation.enable();
 * }</pre>
 *
 * <p>How it behaves: the values are captured once per hop, on the thread that registers the work,
 * when it registers it; set on the thread that runs the work just before it runs; and that
 * thread's own values are put back as soon as the work returns. A value therefore never leaks into
 * an unrelated task that runs later on the same thread; with {@link #enable()} (which sets
 * {@code clearMissing}) a value absent where the work was registered is absent while it runs. It
 * is global to the JVM, like Reactor's {@code Hooks.enableAutomaticContextPropagation()}: the hops
 * are everywhere, including futures of several runtimes. Off (the default), it costs one volatile
 * read per hop.
 */
public final class ThreadLocalPropagation {

  private ThreadLocalPropagation() {}

  /**
   * Propagates every thread-local registered in the global {@code ContextRegistry}, clearing on a
   * hop's thread those absent where the work was registered.
   *
   * @throws IllegalStateException if {@code io.micrometer:context-propagation} is not on the class
   *     path
   */
  public static void enable() {
    try {
      ContextStorage.propagateThreadLocals(MicrometerThreadLocals.overGlobalRegistry());
    } catch (NoClassDefFoundError missing) {
      throw new IllegalStateException("thread-local propagation needs Micrometer's context-propagation library: add "
          + "the dependency io.micrometer:context-propagation (1.2 or newer) to the application", missing);
    }
  }

  /**
   * Propagates what {@code factory} captures: its registry's accessors, with its own
   * {@code clearMissing} and key filter. For tests and for applications with a registry of their own.
   *
   * @param factory captures and restores the thread-locals
   */
  public static void enable(ContextSnapshotFactory factory) {
    ContextStorage.propagateThreadLocals(new MicrometerThreadLocals(Objects.requireNonNull(factory, "factory")));
  }

  /** Stops propagating: hops registered from now on carry no thread-locals. Idempotent. */
  public static void disable() {
    ContextStorage.propagateThreadLocals(null);
  }

  /**
   * Whether thread-locals are propagated now.
   *
   * @return true after {@link #enable()} and before {@link #disable()}
   */
  public static boolean isEnabled() {
    return ContextStorage.threadLocalCarrier() != null;
  }
}
