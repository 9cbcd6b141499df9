package dev.weft.internal.context;

import dev.weft.Context;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.BiFunction;

/**
 * The current context of each thread. A Netty {@link FastThreadLocal}: an array slot on loop
 * threads, an ordinary thread-local elsewhere. {@code null} stands for the root context, so
 * threads that never use contexts hold nothing.
 */
public final class ContextStorage {
  private static final FastThreadLocal<Context> CURRENT = new FastThreadLocal<>();
  private static volatile BiFunction<Context, CancellationScope, Context> scopeAccess; // set by Context

  private ContextStorage() {}

  /**
   * Called once by {@link Context}'s initializer: lets task groups put their scope in a context
   * without a public method for it.
   *
   * @param access Context's private {@code withScope}
   */
  public static void installScopeAccess(BiFunction<Context, CancellationScope, Context> access) {
    scopeAccess = access;
  }

  /**
   * A context like {@code context} inside {@code scope}.
   *
   * @param context the context
   * @param scope the task group's scope
   * @return a new context
   */
  public static Context withScope(Context context, CancellationScope scope) {
    return scopeAccess.apply(context, scope); // Context is initialized: `context` is one
  }

  /**
   * The calling thread's context, or {@code null} for the root context.
   *
   * @return the context or null
   */
  public static Context get() {
    return CURRENT.getIfExists();
  }

  /**
   * The context to capture for work registered now: {@code null} when it is the root context, so
   * capturing costs nothing for code that does not use contexts.
   *
   * @return the context to carry, or null
   */
  public static Context capture() {
    Context current = CURRENT.getIfExists();
    return current == Context.root() ? null : current;
  }

  /**
   * Makes {@code context} current and returns the previous one, to give to {@link #restore}.
   *
   * @param context the context to make current; null for the root
   * @return the previous context, possibly null
   */
  public static Context attach(Context context) {
    Context previous = CURRENT.getIfExists();
    if (previous != context) {
      CURRENT.set(context);
    }
    return previous;
  }

  /**
   * Restores the context that {@link #attach} returned.
   *
   * @param previous the value {@code attach} returned
   */
  public static void restore(Context previous) {
    if (CURRENT.getIfExists() != previous) {
      CURRENT.set(previous);
    }
  }
}
