package dev.weft;

import dev.weft.internal.context.CancellationScope;
import dev.weft.internal.context.ContextStorage;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What travels with a piece of work: its deadline, whether the task group around it was
 * cancelled, and a few user values ({@link ContextKey}s). Immutable: {@code with...} methods
 * return a new context.
 *
 * <p>Weft captures the current context when work is registered — a callback on a future, a task
 * given to a loop, a child forked in a task group, a call given to a blocking adapter — and
 * restores it while that work runs, on whichever thread runs it, then restores what was there
 * before. So {@code Context.current()} inside a continuation or a blocking call sees the context
 * of the code that registered it, and never another task's. Lower layers read it: the JDBC bridge
 * turns {@code deadline()} into a query timeout, the HTTP client into a request timeout.
 */
public final class Context {
  private static final Context ROOT = new Context(null, null, new Object[0]);

  static {
    ContextStorage.installScopeAccess(new ContextStorage.ScopeAccess() {
      @Override
      public Context withScope(Context context, CancellationScope scope) {
        return context.withScope(scope);
      }

      @Override
      public CancellationScope scopeOf(Context context) {
        return context.scope;
      }

      @Override
      public Context carrying(Context context, Object carried) {
        return new Context(context.deadline, context.scope, context.values, carried);
      }

      @Override
      public Object carried(Context context) {
        return context.carried;
      }
    });
  }

  private final Deadline deadline; // null: none
  private final CancellationScope scope; // the innermost task group, or null
  private final Object[] values; // key, value, key, value... small and copied on write
  // Only on the copies Weft captures at a hop or keeps to undo one (see ContextStorage): the
  // thread-local values travelling with the work. Never current, never seen by user code; null on
  // every context made by the methods below.
  private final Object carried;

  private Context(Deadline deadline, CancellationScope scope, Object[] values) {
    this(deadline, scope, values, null);
  }

  private Context(Deadline deadline, CancellationScope scope, Object[] values, Object carried) {
    this.deadline = deadline;
    this.scope = scope;
    this.values = values;
    this.carried = carried;
  }

  /**
   * The context with no deadline, no group and no values.
   *
   * @return the root context
   */
  public static Context root() {
    return ROOT;
  }

  /**
   * The context of the running work; the root context where none was set.
   *
   * @return the current context
   */
  public static Context current() {
    Context current = ContextStorage.get();
    return current != null ? current : ROOT;
  }

  /**
   * The deadline, if the work has one.
   *
   * @return the deadline, or empty
   */
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * Whether the task group this work belongs to (or any group around it) has been cancelled:
   * long-running work can check it between steps and stop early.
   *
   * @return true once cancelled
   */
  public boolean isCancelled() {
    return scope != null && scope.isCancelled();
  }

  /**
   * The value of {@code key}, or the key's default.
   *
   * @param key the key
   * @param <T> the value type
   * @return the value
   */
  public <T> T get(ContextKey<T> key) {
    Objects.requireNonNull(key, "key");
    for (int i = 0; i < values.length; i += 2) {
      if (values[i] == key) {
        return key.cast(values[i + 1]);
      }
    }
    return key.defaultValue();
  }

  /**
   * A context like this one with {@code key} set to {@code value}.
   *
   * @param key the key
   * @param value the value, may be {@code null}
   * @param <T> the value type
   * @return a new context
   */
  public <T> Context with(ContextKey<T> key, T value) {
    Objects.requireNonNull(key, "key");
    key.cast(value);
    for (int i = 0; i < values.length; i += 2) {
      if (values[i] == key) {
        Object[] copy = values.clone();
        copy[i + 1] = value;
        return new Context(deadline, scope, copy);
      }
    }
    Object[] copy = Arrays.copyOf(values, values.length + 2);
    copy[values.length] = key;
    copy[values.length + 1] = value;
    return new Context(deadline, scope, copy);
  }

  /**
   * A context like this one whose deadline is the earlier of its own and {@code deadline}: a
   * deadline can only get shorter as work nests.
   *
   * @param deadline the new deadline
   * @return a new context
   */
  public Context withDeadline(Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    return new Context(deadline.earlierOf(this.deadline), scope, values);
  }

  /** A context like this one inside a task group's cancellation scope; reached by task groups. */
  private Context withScope(CancellationScope scope) {
    return new Context(deadline, scope, values);
  }

  /**
   * Runs {@code task} with this context current, then restores the previous one.
   *
   * @param task the task
   */
  public void run(Runnable task) {
    Context previous = ContextStorage.attach(this);
    try {
      task.run();
    } finally {
      ContextStorage.restore(previous);
    }
  }

  /**
   * Calls {@code task} with this context current, then restores the previous one.
   *
   * @param task the task
   * @param <T> its result type
   * @return its result
   * @throws Exception what {@code task} throws
   */
  public <T> T call(Callable<T> task) throws Exception {
    Context previous = ContextStorage.attach(this);
    try {
      return task.call();
    } finally {
      ContextStorage.restore(previous);
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Context[");
    text.append(deadline == null ? "no deadline" : deadline.toString());
    if (isCancelled()) {
      text.append(", cancelled");
    }
    for (int i = 0; i < values.length; i += 2) {
      text.append(", ").append(((ContextKey<?>) values[i]).name()).append('=').append(values[i + 1]);
    }
    return text.append(']').toString();
  }
}
