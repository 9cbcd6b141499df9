package dev.weft.internal.group;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import dev.weft.group.TaskGroupPolicy;
import dev.weft.internal.Throwables;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.context.CancellationScope;
import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.future.Listeners;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/*
 * Overview
 *
 * Confinement: every mutable field below is read and written on the home loop only (`cancelled`
 * and `settledGroup` excepted: they are volatile, read by any thread through
 * Context.isCancelled() and by fork() called off the home loop). Outcomes of children reach the
 * home loop through listeners (a child homed elsewhere hops once).
 *
 * Life: OPEN -> SETTLED. The body counts as a child. The unsettled children form a doubly linked
 * list through the Child objects themselves (`firstUnsettled`, `unsettledCount`: no per-child
 * entry object, O(1) removal, insertion order kept for cancelling); when it is empty after the body has settled, the group settles its promise exactly
 * once. A child takes its place in the set before its supplier runs, so a supplier that settles
 * the last sibling cannot settle the group under it. A blocking child is settled when its call
 * has really stopped: it returned, it was dropped before it started (the group wins NOT_STARTED
 * -> SKIPPED), or it was abandoned. Its future alone is not enough, since cancelling it completes
 * it at once while the thread may still run; from that moment the child has the abandon grace
 * period to stop, timed per child, whoever cancelled it (the group, a race, the user).
 *
 * Nesting: a group opened while another group's context is current (in its body, a fork supplier
 * or a blocking child) is adopted by that enclosing group as one more child, a `link`, which
 * settles when the nested group settles - not when its future completes, which cancelling does at
 * once. So the enclosing group waits for the nested group's own children, and cancelling the
 * enclosing group cancels the nested group even when nobody forked its future. The link is made
 * on the opening thread and handed to both homes; adoption is dispatched before the nested group
 * can settle, and a link that settles first is never adopted.
 *
 * Per-child cost: a child is its own listener (Child is the BiConsumer given to its future), and
 * a child whose future completes on the home loop is settled inline, with no task; a blocking
 * child's worker hands nothing to the loop when the call stops before its future completes (the
 * usual case: the future's completion then finds the call stopped) - see BlockingWork.
 *
 * Outcome precedence when settling: the first of timeout, policy failure (first failure) or
 * explicit cancel; then, for a race nobody won, the first child failure; then the body's own
 * result. Other failures that are not cancellations are attached to the outcome as suppressed
 * exceptions when the group settles, each once, skipping any that a combinator in the body (all,
 * any) already attached.
 */

/** The task group implementation. */
public final class DefaultTaskGroup<R> implements TaskGroup, CancellationScope {
  private static final Logger LOG = WeftLoggers.get(TaskGroup.class);

  private final GroupSettings settings;
  private final LoopImpl home;
  private final DefaultPromise<R> result;
  private final CancellationScope parent; // the enclosing group's scope, or null
  private final DefaultTaskGroup<?> enclosing; // the group that adopted this one, or null
  private final Child link; // this group as a child of `enclosing` (confined to its home), or null
  private final Deadline deadline; // own or inherited, the earlier; null: none
  private final Context context; // what the body and children run with
  private final long openedAt = System.nanoTime();
  private List<Future<?>> supervisedFailures; // SUPERVISE: to report if unobserved; null until one fails
  private Child firstUnsettled; // head of the list of unsettled children, in the order they joined
  private Child lastUnsettled;
  private int unsettledCount;
  private volatile boolean cancelled;
  private volatile boolean settledGroup; // the promise has been settled; no more forks
  private boolean bodyDone;
  private boolean timedOut;
  private long timedOutAfterNanos; // from opening to the deadline's expiry
  private boolean anySuccess; // FIRST_SUCCESS: a child succeeded
  private Throwable firstFailure; // the policy's failure
  private Throwable firstChildFailure; // FIRST_SUCCESS: in case every child fails
  private final List<Throwable> otherFailures = new ArrayList<>(0); // suppressed on the outcome at settling
  private int childCount; // FIRST_SUCCESS: children forked
  private int childFailures; // FIRST_SUCCESS: children failed
  private R bodyValue;
  private Throwable bodyFailure;
  private ScheduledFuture<?> deadlineTimer;

  private DefaultTaskGroup(GroupSettings settings, LoopImpl home, Context outer, DefaultTaskGroup<?> enclosing) {
    this.settings = settings;
    this.home = home;
    this.result = new DefaultPromise<>(home);
    Deadline inherited = outer.deadline().orElse(null);
    this.deadline = settings.deadline() == null ? inherited : settings.deadline().earlierOf(inherited);
    this.parent = ContextStorage.scopeOf(outer);
    this.enclosing = enclosing;
    this.link = enclosing == null ? null : new Child(enclosing, null, false);
    if (link != null) {
      link.nested = this;
    }
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
    Context outer = Context.current();
    CancellationScope outerScope = ContextStorage.scopeOf(outer);
    DefaultTaskGroup<?> enclosing = outerScope instanceof DefaultTaskGroup ? (DefaultTaskGroup<?>) outerScope : null;
    LoopImpl current = LoopThread.currentLoop();
    // off any loop (in a blocking child, say), stay with the enclosing group's loop and runtime
    LoopImpl home = current != null ? current : enclosing != null ? enclosing.home : DefaultAsyncRuntime.fallbackLoop();
    DefaultTaskGroup<R> group = new DefaultTaskGroup<>(settings, home, outer, enclosing);
    group.result.onCancel(() -> group.onHome(() -> group.cancelAll(false)));
    if (enclosing != null) {
      enclosing.onHome(() -> enclosing.adopt(group.link));
    }
    group.onHome(() -> group.start(body));
    return group.result;
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
    Child bodyChild = new Child(this, null, true);
    link(bodyChild);
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
    checkOpen("fork"); // off the home loop a best effort: a fork racing with settling fails its future
    Context childContext = childContext();
    if (!home.inLoop()) {
      DefaultPromise<T> relay = new DefaultPromise<>(home);
      Context forker = ContextStorage.capture(); // the forking thread's thread-locals reach the child
      home.dispatch(() -> {
        Context previous = ContextStorage.attach(forker);
        try {
          relay.follow(forkOnHome(child, childContext));
        } catch (Throwable failure) {
          relay.fail(failure);
        } finally {
          ContextStorage.restore(previous);
        }
      });
      return relay;
    }
    return forkOnHome(child, childContext);
  }

  private <T> Future<T> forkOnHome(Supplier<? extends Future<T>> child, Context childContext) {
    checkOpen("fork");
    Child tracked = new Child(this, null, false);
    link(tracked); // before the supplier runs: it might settle the last sibling
    Future<T> future;
    Context previous = ContextStorage.attach(childContext);
    try {
      future = child.get();
    } catch (Throwable failure) {
      future = failedOnHome(failure);
    } finally {
      ContextStorage.restore(previous);
    }
    if (future == null) {
      future = failedOnHome(
          new NullPointerException("a child forked in task group '" + settings.name() + "' returned null instead of a Future"));
    }
    tracked.future = future;
    track(tracked);
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
    checkOpen("forkBlocking"); // off the home loop a best effort, as in fork
    Context childContext = childContext();
    if (!home.inLoop()) {
      DefaultPromise<T> relay = new DefaultPromise<>(home);
      Context forker = ContextStorage.capture(); // the forking thread's thread-locals reach the child
      home.dispatch(() -> {
        Context previous = ContextStorage.attach(forker);
        try {
          relay.follow(forkBlockingOnHome(adapter, child, childContext));
        } catch (Throwable failure) {
          relay.fail(failure);
        } finally {
          ContextStorage.restore(previous);
        }
      });
      return relay;
    }
    return forkBlockingOnHome(adapter, child, childContext);
  }

  private <T> Future<T> forkBlockingOnHome(BlockingAdapter adapter, Callable<T> child, Context childContext) {
    checkOpen("forkBlocking");
    BlockingWork<T> work = new BlockingWork<>(this, child, childContext);
    Future<T> future = adapter.call(work);
    Child tracked = new Child(this, future, false);
    tracked.work = work;
    work.child = tracked;
    track(tracked);
    return future;
  }

  /**
   * The context a child forked now runs with: the caller's when the caller runs inside this group
   * (the body may have added values around the fork), else the group's own.
   */
  private Context childContext() {
    Context current = Context.current();
    return ContextStorage.scopeOf(current) == this ? current : context;
  }

  private void checkOpen(String method) {
    if (settledGroup) {
      throw new IllegalStateException("task group '" + settings.name() + "' has completed: " + method
          + "() must be called while the group is open (from its body or its children)");
    }
  }

  private void track(Child child) {
    if (!child.linked) {
      link(child);
    }
    childCount++;
    if (cancelled) {
      cancelChild(child);
    }
    boolean observes = settings.policy() != TaskGroupPolicy.SUPERVISE;
    @SuppressWarnings("unchecked")
    Future<Object> future = (Future<Object>) child.future;
    Listeners.whenSettled(future, child, observes);
  }

  private void link(Child child) {
    child.linked = true;
    child.previous = lastUnsettled;
    if (lastUnsettled == null) {
      firstUnsettled = child;
    } else {
      lastUnsettled.next = child;
    }
    lastUnsettled = child;
    unsettledCount++;
  }

  /** Removes {@code child} from the unsettled list; false if it was not in it. */
  private boolean unlink(Child child) {
    if (!child.linked) {
      return false;
    }
    child.linked = false;
    if (child.previous == null) {
      firstUnsettled = child.next;
    } else {
      child.previous.next = child.next;
    }
    if (child.next == null) {
      lastUnsettled = child.previous;
    } else {
      child.next.previous = child.previous;
    }
    child.previous = null;
    child.next = null;
    unsettledCount--;
    return true;
  }

  /** The unsettled children now, in the order they joined. */
  private List<Child> unsettledChildren() {
    List<Child> children = new ArrayList<>(unsettledCount);
    for (Child child = firstUnsettled; child != null; child = child.next) {
      children.add(child);
    }
    return children;
  }

  /** A group opened in this group's context joins it as a child; see Overview, Nesting. */
  private void adopt(Child nestedLink) {
    if (nestedLink.futureDone || settledGroup) {
      return; // it has settled already, or it was opened by work this group has left behind
    }
    link(nestedLink);
    if (cancelled) {
      cancelChild(nestedLink);
    }
  }

  private void nestedSettled(Child nestedLink) {
    nestedLink.futureDone = true;
    settle(nestedLink);
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
        List<Child> losers = unsettledChildren();
        losers.removeIf(other -> other == child || other.isBody || other.nested != null);
        cancelChildren(losers);
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
          }
          otherFailures.add(failure);
          break;
        case SUPERVISE:
          if (supervisedFailures == null) {
            supervisedFailures = new ArrayList<>();
          }
          supervisedFailures.add(child.future);
          break;
      }
    } else if (settings.policy() == TaskGroupPolicy.FIRST_SUCCESS) {
      childFailures++;
    }
    if (child.work == null || child.work.stoppedOrAwaited()) {
      settle(child);
    } else if (settings.abandonNanos() >= 0) {
      // cancelled while its call runs: BlockingWork settles it when the call stops, or the grace
      // period runs out first
      child.abandonTimer = home.scheduleInternal(() -> abandonIfStillRunning(child), settings.abandonNanos());
    }
  }

  private void recordFailure(Throwable failure) {
    if (firstFailure == null) {
      firstFailure = failure;
    } else if (failure != firstFailure && !(failure instanceof CancellationException)) {
      otherFailures.add(failure);
    }
  }

  void blockingWorkStopped(Child child) {
    if (child.futureDone) {
      settle(child);
    }
  }

  private void settle(Child child) {
    if (!unlink(child)) {
      return;
    }
    if (child.abandonTimer != null) {
      child.abandonTimer.cancel(false);
      child.abandonTimer = null;
    }
    if (!bodyDone || unsettledCount != 0 || settledGroup) {
      return;
    }
    settledGroup = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    for (Future<?> failed : supervisedFailures == null ? List.<Future<?>>of() : supervisedFailures) {
      Listeners.reportIfUnobserved(failed, "a child of supervised task group '" + settings.name()
          + "' failed and nobody observed the failure (no callback or join on its future)");
    }
    Throwable failure;
    if (timedOut) {
      String whose = deadline == settings.deadline() ? "" : " (a deadline inherited from the enclosing context)";
      failure = new TimeoutException("task group '" + settings.name() + "' timed out after "
          + Throwables.formatNanos(timedOutAfterNanos) + whose + "; its children were cancelled");
      if (firstFailure != null && !(firstFailure instanceof CancellationException)) {
        otherFailures.add(0, firstFailure);
      }
    } else if (firstFailure != null) {
      failure = firstFailure;
    } else if (settings.policy() == TaskGroupPolicy.FIRST_SUCCESS && !anySuccess && childCount > 0
        && childFailures == childCount && firstChildFailure != null) {
      failure = firstChildFailure;
    } else {
      failure = bodyFailure;
    }
    if (failure == null) {
      result.complete(bodyValue);
    } else {
      attachSuppressed(failure);
      result.fail(failure);
    }
    if (link != null) {
      enclosing.onHome(() -> enclosing.nestedSettled(link));
    }
  }

  /**
   * Each other failure once: a combinator in the body (all, any) may have attached it already.
   * Under the outcome's lock, which Throwable's own suppression methods take, so the check and
   * the additions are one step for any other code that dedupes the same way.
   */
  private void attachSuppressed(Throwable outcome) {
    if (otherFailures.isEmpty()) {
      return;
    }
    synchronized (outcome) {
      Set<Throwable> attached = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      attached.add(outcome);
      attached.addAll(List.of(outcome.getSuppressed()));
      for (Throwable other : otherFailures) {
        if (attached.add(other)) {
          outcome.addSuppressed(other);
        }
      }
    }
  }

  // ---- cancellation (home loop)

  private void deadlineExpired() {
    if (settledGroup || cancelled) {
      return; // a failure or a cancel came first: the group already stops, with that outcome
    }
    timedOut = true;
    timedOutAfterNanos = System.nanoTime() - openedAt;
    cancelAll(false);
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
    cancelChildren(unsettledChildren());
  }

  private void cancelChildren(List<Child> children) {
    // Drop the calls that have not started before interrupting any running one: an interrupted
    // call frees its worker, which could otherwise start a queued sibling before its turn here.
    for (Child child : children) {
      if (child.work != null) {
        child.work.skipIfNotStarted();
      }
    }
    for (Child child : children) {
      cancelChild(child);
    }
  }

  private void cancelChild(Child child) {
    if (child.future != null) {
      child.future.cancel();
    }
    if (child.nested != null) {
      child.nested.cancel();
    }
    if (child.work != null && child.work.skipIfNotStarted()) {
      blockingWorkStopped(child);
    }
  }

  private void abandonIfStillRunning(Child child) {
    child.abandonTimer = null;
    if (!child.linked || child.work.hasStopped()) {
      return;
    }
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

  /**
   * One child (or the body, or a nested group) of the group; confined to the home loop, except
   * that, as the listener of its future, it is called on that future's home loop.
   */
  static final class Child implements BiConsumer<Object, Throwable> {
    private final DefaultTaskGroup<?> group;
    Child previous; // neighbours in the group's unsettled list, while `linked`
    Child next;
    boolean linked; // in the unsettled list
    Future<?> future; // null for a link, and until the supplier (or the body) has returned
    final boolean isBody;
    BlockingWork<?> work; // non-null for blocking children
    DefaultTaskGroup<?> nested; // non-null for a link: a group opened in this group's context
    boolean futureDone; // for a link: the nested group has settled
    boolean abandoned;
    ScheduledFuture<?> abandonTimer; // a blocking child cancelled while its call runs, until it stops

    Child(DefaultTaskGroup<?> group, Future<?> future, boolean isBody) {
      this.group = group;
      this.future = future;
      this.isBody = isBody;
    }

    /** Its future settled: on the group's loop at once, else through one task there. */
    @Override
    public void accept(Object value, Throwable failure) {
      if (group.home.inLoop()) {
        group.childSettled(this, failure);
      } else {
        group.home.dispatch(() -> group.childSettled(this, failure));
      }
    }
  }
}
