package dev.weft.group;

import dev.weft.Deadline;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.internal.SettingChecks;
import dev.weft.internal.group.DefaultTaskGroup;
import dev.weft.internal.group.GroupSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/** Settings of a {@link TaskGroup}; {@link #open} checks them and opens the group. */
public final class TaskGroupBuilder {
  private String name = "task-group";
  private TaskGroupPolicy policy = TaskGroupPolicy.FAIL_FAST;
  private Duration timeout;
  private Deadline deadline;
  private BlockingAdapter blockingAdapter;
  private Duration abandonGracePeriod = Duration.ofSeconds(5);

  TaskGroupBuilder() {}

  /**
   * A name for messages (timeouts, abandoned children). Default {@code task-group}.
   *
   * @param name not null, 1 to 100 characters
   * @return this builder
   */
  public TaskGroupBuilder name(String name) {
    this.name = name;
    return this;
  }

  /**
   * The failure policy. Default {@link TaskGroupPolicy#FAIL_FAST}.
   *
   * @param policy the policy
   * @return this builder
   */
  public TaskGroupBuilder policy(TaskGroupPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * The group must complete within {@code timeout} of opening; when it expires, every child is
   * cancelled and the group fails with {@link java.util.concurrent.TimeoutException}. An earlier
   * enclosing deadline still wins.
   *
   * @param timeout {@code > 0}
   * @return this builder
   */
  public TaskGroupBuilder timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout,
        "timeout must not be null: leave it unset for a group without a timeout of its own");
    return this;
  }

  /**
   * Like {@link #timeout}, as a point in time.
   *
   * @param deadline the deadline
   * @return this builder
   */
  public TaskGroupBuilder deadline(Deadline deadline) {
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    return this;
  }

  /**
   * Where {@link TaskGroup#forkBlocking(java.util.concurrent.Callable)} runs calls. Default: the
   * runtime's default adapter.
   *
   * @param adapter the adapter
   * @return this builder
   */
  public TaskGroupBuilder blockingAdapter(BlockingAdapter adapter) {
    this.blockingAdapter = Objects.requireNonNull(adapter,
        "blockingAdapter must not be null: leave it unset to use the runtime's default adapter");
    return this;
  }

  /**
   * How long a group waits for a cancelled blocking child that ignores its interrupt before it
   * reports the child (WARN with its stack), abandons it and completes without it. Counted from
   * the child's cancellation, whatever its cause. Default 5 seconds.
   *
   * @param gracePeriod 0 to 1 hour
   * @return this builder
   */
  public TaskGroupBuilder abandonGracePeriod(Duration gracePeriod) {
    this.abandonGracePeriod = gracePeriod;
    return this;
  }

  /**
   * Opens the group around {@code body}.
   *
   * @param body forks children and returns the group's result; runs on the group's home loop
   * @param <R> the result type
   * @return the group's future: it completes once the body and every child have settled
   * @throws IllegalArgumentException naming a setting out of range
   * @throws IllegalStateException if called off any loop while no runtime is open
   */
  public <R> Future<R> open(Function<? super TaskGroup, ? extends Future<R>> body) {
    Objects.requireNonNull(body, "body");
    if (name == null || name.isEmpty() || name.length() > 100) {
      throw new IllegalArgumentException("name must be 1 to 100 characters (was "
          + (name == null ? "null" : "'" + name + "'") + ")");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be > 0 (was " + timeout + ")");
    }
    SettingChecks.checkDuration("abandonGracePeriod", abandonGracePeriod, Duration.ZERO);
    Deadline own = deadline;
    if (timeout != null) {
      Deadline fromTimeout = Deadline.after(timeout);
      own = own == null ? fromTimeout : own.earlierOf(fromTimeout);
    }
    return DefaultTaskGroup.open(new GroupSettings(name, policy, own, blockingAdapter, abandonGracePeriod.toNanos()),
        body);
  }
}
