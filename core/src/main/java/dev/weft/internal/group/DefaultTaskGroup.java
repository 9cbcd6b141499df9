package dev.weft.internal.group;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import dev.weft.group.TaskGroupPolicy;
import dev.weft.internal.Throwables;
import dev.weft.internal.context.CancellationScope;
import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.future.Listeners;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Overview
 *
 * Confinement: every mutable field below is read and written on the home loop only (`cancelled`
 * excepted: it is volatile, read by any thread through Context.isCancelled()). Outcomes of
 * children reach the home loop through listeners (a child homed elsewhere hops once).
 *
 * Life: OPEN -> SETTLED. The body counts as a child. `unsettled` counts children not yet settled;
 * when it reaches zero after the body has run, the group settles its promise exactly once.
 * A blocking child is settled when its call has really stopped: it returned, it was dropped
 * before it started (the group wins NOT_STARTED -> SKIPPED), or it was abandoned after the grace
 * period. Its future alone is not enough, since cancelling it completes it at once while the
 * thread may still run.
 *
 * Outcome precedence when settling: timeout, then the policy's failure (first failure with the
 * others suppressed), then the body's own result.
 */

/** The task group implementation. */
public final class DefaultTaskGroup<R> implements TaskGroup, CancellationScope {
  private static final Logger LOG = LoggerFactory.getLogger(TaskGroup.class);

  private final GroupSettings settings;
  private final LoopImpl home;
  private final DefaultPromise<R> result;
  private final CancellationScope parent; // the enclosing group's scope, or null
  private final Deadline deadline; // own or inherited, the earlier; null: none
  private final Context context; // what the body and children run with
  private final long openedAt = System.nanoTime();
  private final Set<Child> unsettledChildren = new LinkedHashSet<>();
  private volatile boolean cancelled;
  private boolean bodyDone;
  private boolean settledGroup;
  private boolean timedOut;
  private boolean anySuccess; // FIRST_SUCCESS: a child succeeded
  private Throwable firstFailure; // the policy's failure, others suppressed on it
  private Throwable firstChildFailure; // FIRST_SUCCESS: in case every child fails
  private int childCount; // FIRST_SUCCESS: children forked
  private int childFailures; // FIRST_SUCCESS: children failed
  private R bodyValue;
  private Throwable bodyFailure;
  private ScheduledFuture<?> deadlineTimer;
  private ScheduledFuture<?> abandonTimer;

  private DefaultTaskGroup(GroupSettings settings, LoopImpl home, Context outer) {
    this.settings = settings;
    this.home = home;
    this.result = new DefaultPromise<>(home);
    Deadline inherited = outer.deadline().orElse(null);
    this.deadline = settings.deadline() == null ? inherited : settings.deadline().earlierOf(inherited);
    this.parent = outerScope(outer);
    Context inner = deadline == null ? outer : outer.withDeadline(deadline);
    this.context = ContextStorage.withScope(inner, this);
  }

  /**
   * Opens a group; see {@code TaskGroupBuilder.open}.
   *
   * @param settings checked settings
   * @param body the body
   * @param <R> the result type
   * @return the group's future
   */
  public static <R> Future<R> open(GroupSettings settings, Function<? super TaskGroup, ? extends Future<R>> body) {
    LoopImpl current = LoopThread.currentLoop();
    LoopImpl home = current != null ? current : DefaultAsyncRuntime.fallbackLoop();
    DefaultTaskGroup<R> group = new DefaultTaskGroup<>(settings, home, Context.current());
    group.result.onCancel(() -> group.onHome(() -> group.cancelAll(false)));
    group.onHome(() -> group.start(body));
    return group.result;
  }

  private static CancellationScope outerScope(Context outer) {
    return outer.isCancelled() ? () -> true : new CancellationScope() {
      @Override
      public boolean isCancelled() {
        return outer.isCancelled();
      }
    };
  }

  private <T> Future<T> failedOnHome(Throwable failure) {
    DefaultPromise<T> failed = new DefaultPromise<>(home);
    failed.fail(failure);
    return failed;
  }

  void homeDispatch(Runnable task) {
    home.dispatch(task);
  }

  private void onHome(Runnable task) {
    if (home.inLoop()) {
      task.run();
    } else {
      home.dispatch(task);
    }
  }

  private void start(Function<? super TaskGroup, ? extends Future<R>> body) {
    if (deadline != null) {
      deadlineTimer = home.scheduleInternal(this::deadlineExpired, Math.max(0, deadline.remainingNanos()));
    }
    Child bodyChild = new Child(null, true);
    unsettledChildren.add(bodyChild);
    Future<R> bodyFuture;
    try {
      bodyFuture = context.call(() -> body.apply(this));
    } catch (Throwable failure) {
      bodyFuture = failedOnHome(failure);
    }
    if (bodyFuture == null) {
      bodyFuture = failedOnHome(
          new NullPointerException("the body of task group '" + settings.name() + "' returned null instead of a Future"));
    }
    bodyChild.future = bodyFuture;
    if (cancelled) {
      bodyFuture.cancel();
    }
    Listeners.whenSettled(bodyFuture, (value, failure) -> onHome(() -> bodySettled(bodyChild, value, failure)), true);
  }

  // ---- forking

  @Override
  public <T> Future<T> fork(Supplier<? extends Future<T>> child) {
    java.util.Objects.requireNonNull(child, "child");
    if (!home.inLoop()) {
      DefaultPromise<T> relay = new DefaultPromise<>(home);
      home.dispatch(() -> {
        try {
          relay.follow(fork(child));
        } catch (Throwable failure) {
          relay.fail(failure);
        }
      });
      return relay;
    }
    checkOpen("fork");
    Future<T> future;
    try {
      future = context.call(child::get);
    } catch (Throwable failure) {
      future = failedOnHome(failure);
    }
    if (future == null) {
      future = failedOnHome(
          new NullPointerException("a child forked in task group '" + settings.name() + "' returned null instead of a Future"));
    }
    track(new Child(future, false));
    return future;
  }

  @Override
  public <T> Future<T> forkBlocking(Callable<T> child) {
    BlockingAdapter adapter = settings.blockingAdapter() != null ? settings.blockingAdapter() : home.runtime().blocking();
    return forkBlocking(adapter, child);
  }

  @Override
  public <T> Future<T> forkBlocking(BlockingAdapter adapter, Callable<T> child) {
    java.util.Objects.requireNonNull(adapter, "adapter");
    java.util.Objects.requireNonNull(child, "child");
    if (!home.inLoop()) {
      DefaultPromise<T> relay = new DefaultPromise<>(home);
      home.dispatch(() -> {
        try {
          relay.follow(forkBlocking(adapter, child));
        } catch (Throwable failure) {
          relay.fail(failure);
        }
      });
      return relay;
    }
    checkOpen("forkBlocking");
    BlockingWork<T> work = new BlockingWork<>(this, child, context);
    Future<T> future = adapter.call(work);
    Child tracked = new Child(future, false);
    tracked.work = work;
    work.child = tracked;
    track(tracked);
    return future;
  }

  private void checkOpen(String method) {
    if (settledGroup) {
      throw new IllegalStateException("task group '" + settings.name() + "' has completed: " + method
          + "() must be called while the group is open (from its body or its children)");
    }
  }

  private void track(Child child) {
    unsettledChildren.add(child);
    childCount++;
    if (cancelled) {
      cancelChild(child);
    }
    boolean observes = settings.policy() != TaskGroupPolicy.SUPERVISE;
    Listeners.whenSettled(child.future, (value, failure) -> onHome(() -> childSettled(child, failure)), observes);
  }

  // ---- outcomes (home loop)

  private void bodySettled(Child body, R value, Throwable failure) {
    bodyDone = true;
    if (failure == null) {
      bodyValue = value;
    } else {
      bodyFailure = failure;
      if (!(failure instanceof CancellationException)) {
        recordFailure(failure);
        cancelAll(false);
      }
    }
    settle(body);
  }

  private void childSettled(Child child, Throwable failure) {
    child.futureDone = true;
    if (failure == null) {
      if (settings.policy() == TaskGroupPolicy.FIRST_SUCCESS && !anySuccess) {
        anySuccess = true;
        for (Child other : List.copyOf(unsettledChildren)) {
          if (other != child && !other.isBody) {
            cancelChild(other);
          }
        }
      }
    } else if (!(failure instanceof CancellationException)) {
      switch (settings.policy()) {
        case FAIL_FAST:
          recordFailure(failure);
          cancelAll(false);
          break;
        case FIRST_SUCCESS:
          childFailures++;
          if (firstChildFailure == null) {
            firstChildFailure = failure;
          } else if (failure != firstChildFailure) {
            firstChildFailure.addSuppressed(failure);
          }
          break;
        case SUPERVISE:
          child.supervisedFailure = failure;
          break;
      }
    } else if (settings.policy() == TaskGroupPolicy.FIRST_SUCCESS) {
      childFailures++;
    }
    if (child.work == null || child.work.hasStopped()) {
      settle(child);
    }
    // else: a blocking call still runs; BlockingWork settles it when it stops (or it is abandoned)
  }

  private void recordFailure(Throwable failure) {
    if (firstFailure == null) {
      firstFailure = failure;
    } else if (failure != firstFailure && !(failure instanceof CancellationException)) {
      firstFailure.addSuppressed(failure);
    }
  }

  void blockingWorkStopped(Child child) {
    if (child.futureDone) {
      settle(child);
    }
  }

  private void settle(Child child) {
    if (!unsettledChildren.remove(child) || !bodyDone || !unsettledChildren.isEmpty() || settledGroup) {
      return;
    }
    settledGroup = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    if (abandonTimer != null) {
      abandonTimer.cancel(false);
    }
    if (timedOut) {
      result.fail(new TimeoutException("task group '" + settings.name() + "' timed out after "
          + Throwables.formatNanos(System.nanoTime() - openedAt) + "; its children were cancelled"));
    } else if (firstFailure != null) {
      result.fail(firstFailure);
    } else if (settings.policy() == TaskGroupPolicy.FIRST_SUCCESS && !anySuccess && childCount > 0
        && childFailures == childCount && firstChildFailure != null) {
      result.fail(firstChildFailure);
    } else if (bodyFailure != null) {
      result.fail(bodyFailure);
    } else {
      result.complete(bodyValue);
    }
  }

  // ---- cancellation (home loop)

  private void deadlineExpired() {
    if (!settledGroup) {
      timedOut = true;
      cancelAll(false);
    }
  }

  @Override
  public void cancel() {
    onHome(() -> cancelAll(true));
  }

  private void cancelAll(boolean explicit) {
    if (settledGroup) {
      return;
    }
    if (explicit && firstFailure == null && !timedOut) {
      firstFailure = new CancellationException("task group '" + settings.name() + "' was cancelled");
    }
    if (cancelled) {
      return;
    }
    cancelled = true;
    for (Child child : List.copyOf(unsettledChildren)) {
      cancelChild(child);
    }
    if (settings.abandonNanos() >= 0 && abandonTimer == null) {
      abandonTimer = home.scheduleInternal(this::abandonStragglers, settings.abandonNanos());
    }
  }

  private void cancelChild(Child child) {
    if (child.future != null) {
      child.future.cancel();
    }
    if (child.work != null && child.work.skipIfNotStarted()) {
      blockingWorkStopped(child);
    }
  }

  private void abandonStragglers() {
    for (Child child : List.copyOf(unsettledChildren)) {
      if (child.work != null && child.futureDone && !child.work.hasStopped()) {
        Thread thread = child.work.thread();
        StringBuilder stack = new StringBuilder();
        if (thread != null) {
          for (StackTraceElement frame : thread.getStackTrace()) {
            stack.append(System.lineSeparator()).append("\tat ").append(frame);
          }
        }
        LOG.warn("task group '{}' abandons a blocking child that ignored its interrupt for {} on thread {}; "
            + "the group completes without it and its result is dropped. It is at:{}", settings.name(),
            Throwables.formatNanos(settings.abandonNanos()), thread == null ? "?" : thread.getName(), stack);
        child.abandoned = true;
        settle(child);
      }
    }
  }

  // ---- TaskGroup

  @Override
  public boolean isCancelled() {
    return cancelled || (parent != null && parent.isCancelled());
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public String toString() {
    return "TaskGroup[" + settings.name() + ", " + settings.policy() + (cancelled ? ", cancelled" : "") + "]";
  }

  /** One child (or the body) of the group; confined to the home loop. */
  static final class Child {
    Future<?> future;
    final boolean isBody;
    BlockingWork<?> work; // non-null for blocking children
    boolean futureDone;
    boolean abandoned;
    Throwable supervisedFailure;

    Child(Future<?> future, boolean isBody) {
      this.future = future;
      this.isBody = isBody;
    }
  }
}
