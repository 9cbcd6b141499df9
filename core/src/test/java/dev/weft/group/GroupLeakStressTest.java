package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.Adapters;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stress: many short groups of every policy, with random successes, failures, hangs, nested groups,
 * cancellations and deadlines.
 *
 * <p>Invariants: every group completes; when a group completes (other than by cancelling its
 * future, which completes it at once by contract), none of its blocking children, nested ones
 * included, is still running; afterwards the adapter has nothing running or queued, every blocking
 * child that started has stopped, and once the runtime is closed none of its threads is left.
 * Bounded: 10 000 groups, at most 256 open at once, 40 s for the lot.
 */
class GroupLeakStressTest {
  private static final int GROUPS = 10_000;
  private static final int OPEN_AT_ONCE = 256;
  private static final Duration TIME_LIMIT = Duration.ofSeconds(40);
  private static final String NAME = "gt-stress";

  private final AtomicInteger unhandled = new AtomicInteger(); // supervised failures nobody looked at
  private final AtomicInteger blockingStarted = new AtomicInteger();
  private final AtomicInteger blockingStopped = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> outlived = new ConcurrentLinkedQueue<>();
  private AsyncRuntime runtime;

  @BeforeEach
  void startRuntime() {
    runtime = AsyncRuntime.builder().name(NAME).loops(2)
        .blockingAdapter(Adapters.boundedPool("stress").maxThreads(32).maxQueue(4_000))
        .unhandledFailureHandler((description, failure) -> unhandled.incrementAndGet())
        .build();
  }

  @AfterEach
  void closeRuntime() {
    runtime.close();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a safety net; the test's own limits are tighter
  void tenThousandRandomGroupsLeaveNoTaskAndNoThreadBehind() throws Exception {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    String run = "seed " + seed;
    long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
    Semaphore open = new Semaphore(OPEN_AT_ONCE);
    AtomicInteger completed = new AtomicInteger();

    for (int i = 0; i < GROUPS; i++) {
      assertThat(open.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
          .as("%s: a slot for group %d within the time limit (%d completed)", run, i, completed.get()).isTrue();
      SplittableRandom groupRandom = random.split();
      boolean cancelFuture = groupRandom.nextInt(20) == 0;
      AtomicInteger running = new AtomicInteger(); // blocking children of this group now running
      Future<String> group = runtime.nextLoop().submit(() -> openRandomGroup(groupRandom, List.of(running), 0));
      group.onComplete((value, failure) -> {
        if (running.get() != 0 && !cancelFuture) {
          outlived.add("a group completed with " + running.get() + " blocking children still running (" + failure + ")");
        }
        completed.incrementAndGet();
        open.release();
      });
      if (cancelFuture) {
        group.cancel();
      }
    }
    Polling.await(run + ": all groups completed", Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
        () -> completed.get() == GROUPS);

    assertThat(outlived).as("%s: groups that completed before their children stopped", run).isEmpty();
    Polling.await(run + ": the adapter is idle", Duration.ofSeconds(5), () -> {
      AdapterStats stats = runtime.blocking().stats();
      return stats.active() == 0 && stats.queued() == 0;
    });
    assertThat(blockingStopped.get()).as("%s: blocking children that stopped, of those that started", run)
        .isEqualTo(blockingStarted.get());

    runtime.close();
    Polling.await(run + ": no thread of the runtime is left", Duration.ofSeconds(5),
        () -> liveThreadsNamed(NAME).isEmpty());
  }

  /** A group of random policy, deadline and children; depth 0 may nest one level. */
  private Future<String> openRandomGroup(SplittableRandom random, List<AtomicInteger> runningCounters, int depth) {
    TaskGroupPolicy policy = TaskGroupPolicy.values()[random.nextInt(TaskGroupPolicy.values().length)];
    TaskGroupBuilder builder = TaskGroup.builder().name("stress-" + depth).policy(policy);
    if (depth == 0 || random.nextBoolean()) {
      builder.timeout(Duration.ofMillis(5 + random.nextInt(60))); // every top-level group ends
    }
    int children = 1 + random.nextInt(4);
    boolean cancelFromInside = random.nextInt(10) == 0;
    return builder.open(g -> {
      List<Future<String>> forked = new ArrayList<>();
      for (int c = 0; c < children; c++) {
        forked.add(forkRandomChild(g, random, runningCounters, depth));
      }
      if (cancelFromInside) {
        g.fork(() -> Loop.current().delay(Duration.ofNanos(random.nextInt(2_000_000))).map(x -> {
          g.cancel();
          return "cancelled it";
        }));
      }
      return policy == TaskGroupPolicy.FIRST_SUCCESS && random.nextBoolean()
          ? Future.any(forked) : Future.succeeded("body");
    });
  }

  private Future<String> forkRandomChild(TaskGroup g, SplittableRandom random, List<AtomicInteger> counters,
      int depth) {
    Duration shortDelay = Duration.ofNanos(random.nextInt(2_000_000));
    switch (random.nextInt(depth == 0 ? 7 : 6)) {
      case 0:
        return g.fork(() -> Loop.current().delay(shortDelay).map(x -> "ok"));
      case 1:
        return g.fork(() -> Loop.current().delay(shortDelay).map(x -> {
          throw new IllegalStateException("async child failed");
        }));
      case 2:
        return g.fork(() -> Loop.current().newPromise()); // hangs until cancelled
      case 3:
        return g.forkBlocking(() -> blocking(counters, shortDelay, false));
      case 4:
        return g.forkBlocking(() -> blocking(counters, shortDelay, true));
      case 5:
        return g.forkBlocking(() -> blocking(counters, Duration.ofMinutes(1), false)); // until interrupted
      default:
        SplittableRandom nestedRandom = random.split();
        List<AtomicInteger> nestedCounters = new ArrayList<>(counters);
        return g.fork(() -> openRandomGroup(nestedRandom, nestedCounters, depth + 1));
    }
  }

  private String blocking(List<AtomicInteger> counters, Duration work, boolean fail) throws InterruptedException {
    blockingStarted.incrementAndGet();
    counters.forEach(AtomicInteger::incrementAndGet);
    try {
      Thread.sleep(work.toMillis(), (int) (work.toNanos() % 1_000_000)); // the simulated blocking call
      if (fail) {
        throw new IllegalStateException("blocking child failed");
      }
      return "ok";
    } finally {
      counters.forEach(AtomicInteger::decrementAndGet);
      blockingStopped.incrementAndGet();
    }
  }

  private static List<String> liveThreadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }
}
