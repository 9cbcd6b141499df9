package dev.weft.examples;

import io.micrometer.context.ThreadLocalAccessor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Carries OpenTelemetry's current {@link Context} (the active span, baggage) across Weft's hops,
 * for {@code dev.weft.ThreadLocalPropagation}. Shown in docs/structured-concurrency.md; compiled and
 * tested here. OpenTelemetry makes a context current with a {@link Scope} that must be closed in
 * reverse order, so the scopes this accessor opens are kept per thread and closed as Weft's hops
 * end, which they do in reverse order.
 *
 * <pre>{@code
 * ContextRegistry.getInstance().registerThreadLocalAccessor(new OpenTelemetryContextAccessor());
 * ThreadLocalPropagation.enable();
 * }</pre>
 */
public final class OpenTelemetryContextAccessor implements ThreadLocalAccessor<Context> {
  /** The accessor's key in the registry. */
  public static final String KEY = "opentelemetry.context";
  private static final ThreadLocal<Deque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public Context getValue() {
    Context current = Context.current();
    return current == Context.root() ? null : current; // nothing to carry
  }

  @Override
  public void setValue(Context value) {
    SCOPES.get().push(value.makeCurrent());
  }

  @Override
  public void setValue() {
    SCOPES.get().push(Context.root().makeCurrent()); // "missing" where the work was registered
  }

  @Override
  public void restore(Context previousValue) {
    closeLatest();
  }

  @Override
  public void restore() {
    closeLatest();
  }

  private static void closeLatest() {
    Scope scope = SCOPES.get().poll();
    if (scope != null) {
      scope.close();
    }
  }
}
