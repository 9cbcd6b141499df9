package dev.weft.benchmarks.adapters;

import dev.weft.benchmarks.JdkFeatures;
import dev.weft.blocking.Adapters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The implementations compared by the adapter suite, by their {@code impl} parameter value.
 *
 * <p>Every pool has {@value #THREADS} threads, the size of Weft's default bounded pool, so that
 * 64 calls in flight never wait for a thread anywhere. Weft's adapters are built with their
 * defaults otherwise (the bounded pool's idle workers spin 50 µs before parking; the
 * virtual-thread adapter allows 256 calls at once).
 */
public final class CallSites {
  /** Threads of every pool. */
  public static final int THREADS = 64;

  /** Weft's bounded pool of platform threads. */
  public static final String WEFT_POOL = "weftPool";
  /** Weft's bounded pool with {@code spinBeforePark(0)}: idle workers park at once. */
  public static final String WEFT_POOL_NO_SPIN = "weftPoolNoSpin";
  /** Weft's virtual-thread adapter (JDK 21+). */
  public static final String WEFT_VIRTUAL = "weftVirtual";
  /** Weft's direct adapter: the call on the calling thread, the floor. */
  public static final String WEFT_DIRECT = "weftDirect";
  /** Vert.x {@code executeBlocking} from an event-loop context. */
  public static final String VERTX = "vertx";
  /** Reactor {@code Mono.fromCallable(..).subscribeOn(boundedElastic)}. */
  public static final String REACTOR = "reactor";
  /** {@code CompletableFuture.supplyAsync} on a fixed pool. */
  public static final String COMPLETABLE_FUTURE = "completableFuture";
  /** {@code ThreadPoolExecutor.submit}. */
  public static final String THREAD_POOL_EXECUTOR = "threadPoolExecutor";
  /** A virtual thread per call (JDK 21+). */
  public static final String VIRTUAL_THREAD_PER_TASK = "virtualThreadPerTask";
  /** Netty's {@code DefaultEventExecutorGroup}. */
  public static final String NETTY_GROUP = "nettyExecutorGroup";
  /** Kotlin coroutines: {@code withContext(Dispatchers.IO)} from a single-threaded dispatcher. */
  public static final String KOTLIN_COROUTINES = "kotlinCoroutines";

  /** Every implementation, in the table's order. */
  public static final List<String> ALL = List.of(WEFT_POOL, WEFT_POOL_NO_SPIN, WEFT_VIRTUAL, WEFT_DIRECT, VERTX, REACTOR,
      COMPLETABLE_FUTURE, THREAD_POOL_EXECUTOR, VIRTUAL_THREAD_PER_TASK, NETTY_GROUP, KOTLIN_COROUTINES);

  private CallSites() {}

  /**
   * Whether {@code impl} needs virtual threads.
   *
   * @param impl an {@code impl} parameter value
   * @return true for the virtual-thread rows
   */
  public static boolean needsVirtualThreads(String impl) {
    return impl.equals(WEFT_VIRTUAL) || impl.equals(VIRTUAL_THREAD_PER_TASK);
  }

  static CallSite create(String impl, Supplier<Object> work) {
    Callable<Object> callable = work::get;
    if (needsVirtualThreads(impl)) {
      JdkFeatures.virtualThreadsMissing().ifPresent(reason -> {
        throw new UnsupportedOperationException(impl + " is unavailable: " + reason);
      });
    }
    switch (impl) {
      case WEFT_POOL:
        return new WeftAdapterSite(home -> Adapters.boundedPool("bench-pool").maxThreads(THREADS).build(home.runtime),
            callable);
      case WEFT_POOL_NO_SPIN:
        return new WeftAdapterSite(home -> Adapters.boundedPool("bench-pool").maxThreads(THREADS)
            .spinBeforePark(Duration.ZERO).build(home.runtime), callable);
      case WEFT_VIRTUAL:
        return new WeftAdapterSite(home -> Adapters.virtualThreads("bench-virtual").build(home.runtime), callable);
      case WEFT_DIRECT:
        return new WeftDirectSite(callable);
      case VERTX:
        return new VertxSite(THREADS, callable);
      case REACTOR:
        return new ReactorSite(THREADS, callable);
      case COMPLETABLE_FUTURE:
        return new CompletableFutureSite(Executors.newFixedThreadPool(THREADS, daemonThreads("bench-cf-")), work);
      case THREAD_POOL_EXECUTOR:
        return new ExecutorSite(new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), daemonThreads("bench-tpe-")), true, work);
      case VIRTUAL_THREAD_PER_TASK:
        return new ExecutorSite(JdkFeatures.newVirtualThreadPerTaskExecutor(), false, work);
      case NETTY_GROUP:
        return new NettyGroupSite(THREADS, callable);
      case KOTLIN_COROUTINES:
        return new KotlinCoroutineSite(callable);
      default:
        throw new IllegalArgumentException("unknown impl '" + impl + "'");
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger number = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + number.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
  }
}
