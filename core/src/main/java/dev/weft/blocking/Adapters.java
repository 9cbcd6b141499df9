package dev.weft.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.internal.blocking.AsyncProxy;
import dev.weft.internal.blocking.DirectAdapter;
import dev.weft.internal.blocking.VirtualThreads;

/**
 * Where adapters come from.
 *
 * <pre>{@code
 * BlockingAdapter payments = Adapters.boundedPool("payments").maxThreads(8).maxQueue(32).build(runtime);
 * Future<Receipt> receipt = payments.call(() -> legacyPaymentsClient.charge(order));
 * }</pre>
 */
public final class Adapters {
  private Adapters() {}

  /**
   * Settings of a bounded pool of platform threads.
   *
   * @param name the adapter's name, unique within its runtime; it names its threads
   *     ({@code <runtime>-<name>-N}) and its metrics
   * @return a builder with the defaults (64 threads, 1 000 queued, 60 s keep-alive)
   */
  public static BoundedPoolBuilder boundedPool(String name) {
    return new BoundedPoolBuilder(name);
  }

  /**
   * Settings of a virtual-thread adapter (Java 21+).
   *
   * @param name the adapter's name, unique within its runtime
   * @return a builder with the defaults (256 concurrent, 1 000 queued)
   */
  public static VirtualThreadsBuilder virtualThreads(String name) {
    return new VirtualThreadsBuilder(name);
  }

  /**
   * Whether this JVM has virtual threads (Java 21 and later).
   *
   * @return true if {@link #virtualThreads} adapters can be built
   */
  public static boolean virtualThreadsSupported() {
    return VirtualThreads.supported();
  }

  /**
   * An adapter that runs each call on the calling thread: a baseline for benchmarks and handy in
   * tests. It refuses to run on a loop thread ({@link IllegalStateException}), since that would
   * block the loop. Its futures are complete when {@code call} returns. A timeout interrupts the
   * calling thread, and that interrupt is cleared again before {@code call} returns.
   *
   * @param runtime the runtime whose loops receive the results
   * @return a new direct adapter
   */
  public static BlockingAdapter direct(AsyncRuntime runtime) {
    return DirectAdapter.create(runtime);
  }

  /**
   * Turns a blocking client into an asynchronous one by interface: for each method of
   * {@code asyncInterface}, declared {@code Future<X> m(P...)}, the proxy runs {@code legacy}'s
   * public method {@code X m(P...)} on {@code adapter} (a {@code void} twin maps to
   * {@code Future<Void>}). What the twin throws fails the future as it is; a call the adapter
   * refuses (saturated or closed) returns a future failed with {@link dev.weft.RejectedException},
   * as {@link BlockingAdapter#call} does: a proxied method never throws for it.
   *
   * <p>Every method is matched at creation: a method with no twin, or whose result types differ,
   * fails here with an {@link IllegalArgumentException} naming it. {@code default} methods of the
   * interface run as written (on the caller's thread); {@code equals} and {@code hashCode} are the
   * proxy's identity; {@code toString} describes the proxy.
   *
   * <pre>{@code
   * interface AsyncUserDao { Future<User> find(long id); Future<Void> save(User user); }
   * AsyncUserDao users = Adapters.proxy(AsyncUserDao.class, legacyUserDao, runtime.adapter("db"));
   * }</pre>
   *
   * @param asyncInterface the asynchronous interface to implement
   * @param legacy the blocking implementation whose methods mirror it
   * @param adapter where the blocking calls run
   * @param <A> the interface type
   * @return the proxy
   * @throws IllegalArgumentException if a method has no matching twin
   */
  public static <A> A proxy(Class<A> asyncInterface, Object legacy, BlockingAdapter adapter) {
    return AsyncProxy.create(asyncInterface, legacy, adapter);
  }
}
