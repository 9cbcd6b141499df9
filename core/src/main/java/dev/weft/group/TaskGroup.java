package dev.weft.group;

import dev.weft.Deadline;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A scope for concurrent children: the group's future completes only after its body's future and
 * every child it forked have settled, so no child outlives its group and no failure is lost.
 * Joining is non-blocking (the group's result is a {@link Future}), so groups open on loops.
 *
 * <pre>{@code
 * Future<Page> page = TaskGroup.builder().name("product-page").timeout(Duration.ofMillis(300))
 *     .open(group -> {
 *       Future<Product> product = group.forkBlocking(() -> catalogDao.find(id));   // legacy JDBC
 *       Future<List<Review>> reviews = group.fork(() -> reviewsClient.latest(id)); // async
 *       return product.flatMap(p -> reviews.map(r -> new Page(p, r)));
 *     });
 * }</pre>
 *
 * <h2>Threads</h2>
 * A group has a home loop (the loop that opened it; off any loop, the enclosing group's loop, or
 * else one of the oldest open runtime's loops); the body, the suppliers given to {@link #fork},
 * and all of the group's bookkeeping run there. Children and the body run with the group's
 * {@link dev.weft.Context}: its deadline (never later than the enclosing one) and its
 * cancellation. A child forked by the group's own work keeps the values that work added to its
 * context around the fork; a child forked from unrelated code gets the group's context.
 *
 * <h2>Nesting</h2>
 * A group opened while another group's context is current (in its body, a fork supplier or a
 * blocking child) belongs to that enclosing group, whether or not its future is forked: the
 * enclosing group completes only after the nested one has, and cancelling the enclosing group
 * cancels the nested one.
 *
 * <h2>Cancellation</h2>
 * When the group is cancelled — by its policy, its deadline, {@link #cancel()}, a cancelled
 * enclosing group, or cancelling the group's future — every child is cancelled: asynchronous
 * children get {@code cancel()}, blocking children that have not started are dropped, running
 * ones are interrupted. The group then waits for them to settle. A blocking child that ignores
 * the interrupt for longer than the abandon grace period (5 s by default) is reported (a WARN
 * with its thread's stack), marked abandoned, and the group completes without it: its thread
 * runs on, but its result is dropped. The grace period counts for each blocking child from the
 * moment its future was cancelled, whoever cancelled it (the group, a race it lost, or a caller
 * holding its future). Cancelling the group's future completes that future at once; the children
 * settle shortly after (an enclosing group still waits for them).
 *
 * <p>Methods of a group may be called from any thread; {@code fork} called off the home loop
 * hands the supplier to the home loop.
 */
public interface TaskGroup {

  /**
   * Opens a fail-fast group around {@code body}.
   *
   * @param body forks children and returns the group's result; runs on the group's home loop
   * @param <R> the result type
   * @return the group's future: the body's result once every child has settled
   */
  static <R> Future<R> open(Function<? super TaskGroup, ? extends Future<R>> body) {
    return builder().open(body);
  }

  /**
   * Opens a group with {@code policy} around {@code body}.
   *
   * @param policy what failures and successes of children do
   * @param body forks children and returns the group's result; runs on the group's home loop
   * @param <R> the result type
   * @return the group's future
   */
  static <R> Future<R> open(TaskGroupPolicy policy, Function<? super TaskGroup, ? extends Future<R>> body) {
    return builder().policy(policy).open(body);
  }

  /**
   * A builder for a group with a name, a policy, a deadline or another blocking adapter.
   *
   * @return a new builder
   */
  static TaskGroupBuilder builder() {
    return new TaskGroupBuilder();
  }

  /**
   * Starts an asynchronous child: calls {@code child} on the home loop, with the group's context.
   * A supplier that throws or returns {@code null} gives a failed child.
   *
   * @param child supplies the child's future; must not block
   * @param <T> the child's result type
   * @return the child's future, homed on the group's loop
   * @throws IllegalStateException if the group has completed (called off the home loop while the
   *     group completes, the returned future fails with it instead)
   */
  <T> Future<T> fork(Supplier<? extends Future<T>> child);

  /**
   * Starts a blocking child on the group's blocking adapter (the runtime's default unless the
   * builder chose one).
   *
   * @param child the blocking call; runs with the group's context
   * @param <T> the child's result type
   * @return the child's future, homed on the group's loop; if the adapter is saturated or closed,
   *     it fails with {@link dev.weft.RejectedException} (a failed child, as the policy says)
   * @throws IllegalStateException if the group has completed (as for {@link #fork})
   */
  <T> Future<T> forkBlocking(Callable<T> child);

  /**
   * Starts a blocking child on {@code adapter}.
   *
   * @param adapter where the call runs
   * @param child the blocking call; runs with the group's context
   * @param <T> the child's result type
   * @return the child's future, homed on the group's loop; if the adapter is saturated or closed,
   *     it fails with {@link dev.weft.RejectedException} (a failed child, as the policy says)
   * @throws IllegalStateException if the group has completed (as for {@link #fork})
   */
  <T> Future<T> forkBlocking(BlockingAdapter adapter, Callable<T> child);

  /**
   * Cancels the group: the body and every child. The group fails with
   * {@link java.util.concurrent.CancellationException} once they have settled (unless it had
   * already failed).
   */
  void cancel();

  /**
   * Whether the group (or one around it) has been cancelled, for whatever reason.
   *
   * @return true once cancelled
   */
  boolean isCancelled();

  /**
   * The group's name, for messages.
   *
   * @return the name ({@code task-group} unless one was given)
   */
  String name();

  /**
   * The group's deadline: its own or the enclosing context's, whichever is earlier.
   *
   * @return the deadline, or empty
   */
  Optional<Deadline> deadline();
}
