package dev.weft.internal.context;

import dev.weft.Context;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The current context of each thread. A Netty {@link FastThreadLocal}: an array slot on loop
 * threads, an ordinary thread-local elsewhere. {@code null} stands for the root context, so
 * threads that never use contexts hold nothing.
 */
public final class ContextStorage {
  private static final FastThreadLocal<Context> CURRENT = new FastThreadLocal<>();
  private static volatile ScopeAccess scopeAccess; // set by Context's initializer
  /*
   * Whether any thread ever made a context current. Plain, on purpose: a thread only ever reads its
   * own slot of CURRENT, and a thread that filled its slot wrote this flag before, in its own program
   * order, so it cannot read false; another thread's stale false only means its own slot is empty,
   * which is true. Lets code that never uses contexts skip the thread-local entirely.
   */
  private static boolean everSet;

  private ContextStorage() {}

  /**
   * Called once by {@link Context}'s initializer: lets task groups put their scope in a context,
   * and find the scope of a context, without a public method for either.
   *
   * @param access Context's private scope methods
   */
  public static void installScopeAccess(ScopeAccess access) {
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
    return scopeAccess.withScope(context, scope); // Context is initialized: `context` is one
  }

  /**
   * The scope of the innermost task group around {@code context}.
   *
   * @param context the context
   * @return the scope, or {@code null} outside any task group
   */
  public static CancellationScope scopeOf(Context context) {
    return scopeAccess.scopeOf(context); // Context is initialized: `context` is one
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
    if (!everSet) {
      return null;
    }
    Context current = CURRENT.getIfExists();
    return current == Context.root() ? null : current;
  }

  /**
   * Whether no context was ever made current on the calling thread (nor, as far as it can tell,
   * anywhere): then work registered with the root context can run without attaching one.
   *
   * @return true if the calling thread's context is certainly the root, as null
   */
  public static boolean neverSetHere() {
    return !everSet;
  }

  /**
   * Makes {@code context} current and returns the previous one, to give to {@link #restore}.
   *
   * @param context the context to make current; null for the root
   * @return the previous context, possibly null
   */
  public static Context attach(Context context) {
    if (context != null) {
      if (!everSet) {
        everSet = true; // written once per thread at most: no shared cache line written per call
      }
    } else if (!everSet) {
      return null;
    }
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
    if (previous == null && !everSet) {
      return;
    }
    if (CURRENT.getIfExists() != previous) {
      CURRENT.set(previous);
    }
  }

  /** Context's private scope methods, reached by task groups through this class. */
  public interface ScopeAccess {

    /**
     * A context like {@code context} inside {@code scope}.
     *
     * @param context the context
     * @param scope the scope
     * @return a new context
     */
    Context withScope(Context context, CancellationScope scope);

    /**
     * The scope of {@code context}.
     *
     * @param context the context
     * @return the scope, or {@code null}
     */
    CancellationScope scopeOf(Context context);
  }
}
