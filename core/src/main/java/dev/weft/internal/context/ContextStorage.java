package dev.weft.internal.context;

import dev.weft.Context;
import dev.weft.internal.ForWeftModules;
import io.netty.util.concurrent.FastThreadLocal;

/*
 * Overview: every hop — a task given to a loop, a callback on a future, a call given to a blocking
 * adapter, a task group's child, a statement of the JDBC bridge — captures with capture() when the
 * work is registered, and runs the work between attach() and restore() on whichever thread runs it.
 *
 * Thread-locals (SLF4J's MDC, OpenTelemetry's context, anything a ThreadLocalCarrier reaches)
 * ride on the same three calls. While propagation is off (`carrier` null), capture() costs one
 * volatile read more than before and the captured object is the plain context. While it is on,
 * capture() returns a copy of the context carrying a Hop: the plain context and the carrier's
 * snapshot, taken once, on the registering thread. attach() of a Hop makes the plain context
 * current (so Context.current() never returns a carrying copy) and sets the snapshot's values,
 * returning a carrying copy holding an Undo; restore() of an Undo puts the thread's own values
 * back, then the previous context. Scopes nest as the calls do (LIFO), and each ends in the
 * finally block of the work that began it, so a value never outlives its work on a thread: the
 * next, unrelated task on that thread sees its own snapshot (with clearMissing, nothing else).
 */

/**
 * The current context of each thread. A Netty {@link FastThreadLocal}: an array slot on loop
 * threads, an ordinary thread-local elsewhere. {@code null} stands for the root context, so
 * threads that never use contexts hold nothing.
 */
@ForWeftModules
public final class ContextStorage {
  private static final FastThreadLocal<Context> CURRENT = new FastThreadLocal<>();
  private static volatile ScopeAccess scopeAccess; // set by Context's initializer
  private static volatile ThreadLocalCarrier carrier; // null: thread-locals are not propagated
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
   * capturing costs nothing for code that does not use contexts. While thread-local propagation is
   * on, a copy of it that also carries the calling thread's thread-local values (see Overview).
   *
   * @return the context to carry, or null
   */
  public static Context capture() {
    ThreadLocalCarrier threadLocals = carrier; // the one volatile read this costs when propagation is off
    if (threadLocals == null) {
      if (!everSet) {
        return null;
      }
      Context current = CURRENT.getIfExists();
      return current == Context.root() ? null : current;
    }
    // thread-locals travel even where no Weft context was ever set: everSet must not cut this short
    Context current = everSet ? CURRENT.getIfExists() : null;
    Context plain = current == Context.root() ? null : current;
    return Access.INSTANCE.carrying(plain != null ? plain : Context.root(),
        new Hop(plain, threadLocals, threadLocals.capture()));
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
   * Makes {@code context} current and returns the previous one, to give to {@link #restore}. A
   * context captured with thread-local values also sets those values on this thread, and the
   * returned object then undoes that too.
   *
   * @param context the context to make current; null for the root
   * @return the previous context, possibly null; give it to {@link #restore} as it is
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
    if (context != null && Access.INSTANCE.carried(context) instanceof Hop hop) {
      if (previous != hop.plain) {
        CURRENT.set(hop.plain);
      }
      Object undo = hop.carrier.restore(hop.snapshot);
      return Access.INSTANCE.carrying(Context.root(), new Undo(previous, hop.carrier, undo));
    }
    if (previous != context) {
      CURRENT.set(context);
    }
    return previous;
  }

  /**
   * Restores the context that {@link #attach} returned, and the thread-local values it replaced.
   *
   * @param previous the value {@code attach} returned
   */
  public static void restore(Context previous) {
    if (previous != null && Access.INSTANCE.carried(previous) instanceof Undo undo) {
      undo.carrier.undo(undo.token); // thread-locals first: attach set them last
      previous = undo.previous;
    } else if (previous == null && !everSet) {
      return; // nothing was ever made current here, nor anywhere as far as this thread can tell
    }
    if (CURRENT.getIfExists() != previous) {
      CURRENT.set(previous);
    }
  }

  /**
   * Turns thread-local propagation on (every hop captures and restores what {@code threadLocals}
   * carries) or off ({@code null}). Work captured before keeps what it captured.
   *
   * @param threadLocals the carrier, or null
   */
  public static void propagateThreadLocals(ThreadLocalCarrier threadLocals) {
    carrier = threadLocals;
  }

  /**
   * The carrier in use.
   *
   * @return the carrier, or null when thread-locals are not propagated
   */
  public static ThreadLocalCarrier threadLocalCarrier() {
    return carrier;
  }

  /** Captured at a hop: the plain context to make current and the thread-local values to set. */
  private record Hop(Context plain, ThreadLocalCarrier carrier, Object snapshot) {}

  /** Returned by attach for a hop: the context to restore and how to undo the thread-locals. */
  private record Undo(Context previous, ThreadLocalCarrier carrier, Object token) {}

  /** Context's access, as a constant the JIT folds (the volatile field is read once, here). */
  private static final class Access {
    static final ScopeAccess INSTANCE = load();

    private static ScopeAccess load() {
      Context.root(); // initializes Context, which installs its access
      return scopeAccess;
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

    /**
     * A copy of {@code context} that carries {@code carried} (a {@link Hop} or an {@link Undo}).
     *
     * @param context the context
     * @param carried what it carries
     * @return a new context
     */
    Context carrying(Context context, Object carried);

    /**
     * What {@code context} carries.
     *
     * @param context the context
     * @return the carried object, or {@code null} for every context but Weft's hop copies
     */
    Object carried(Context context);
  }
}
