package dev.weft.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.BlockingCallDetection;
import dev.weft.future.Future;
import dev.weft.metrics.BlockingCallSite;
import dev.weft.metrics.BlockingCalls;
import dev.weft.testing.FailureRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The detector under concurrent use: every call is counted exactly once while many threads wait
 * for delivery and take snapshots, and a runtime closing while threads wait releases them all.
 */
class DetectorStressTest {
  private static final Duration DELIVERY = Duration.ofSeconds(20);

  @Test
  void everyCallIsCountedOnceWhileManyThreadsAwaitDelivery() throws Exception {
    FailureRecorder failures = new FailureRecorder();
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("detect-stress").loops(2)
        .detectBlockingCalls(BlockingCallDetection.enabled()).unhandledFailureHandler(failures).build()) {
      int calls = 200; // each sleeps 2 ms on a loop: at least the 1 ms threshold, so each must count
      ExecutorService waiters = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<?>> waits = new ArrayList<>();
        List<CompletableFuture<?>> made = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          made.add(runtime.loops().get(i % 2).submit(() -> {
            sleepOnTheLoop();
            return Future.succeeded(null);
          }).toCompletableFuture());
          if (i % 10 == 0) {
            waits.add(CompletableFuture.runAsync(() -> {
              try {
                BlockingCalls snapshot = BlockingCalls.awaitDelivered(runtime, DELIVERY);
                assertThat(snapshot.total()).isBetween(0L, (long) calls);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }, waiters));
          }
        }
        CompletableFuture.allOf(made.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

        BlockingCalls seen = BlockingCalls.awaitDelivered(runtime, DELIVERY);
        BlockingCallSite site = seen.sites().stream()
            .filter(s -> s.callSite().startsWith(DetectorStressTest.class.getName() + ".sleepOnTheLoop(")).findFirst()
            .orElseThrow(() -> new AssertionError(seen.describe()));
        assertThat(site.count()).as("each of the %s calls counted once", calls).isEqualTo(calls);
        assertThat(site.longest()).isGreaterThanOrEqualTo(Duration.ofMillis(2));
      } finally {
        waiters.shutdownNow();
      }
    }
    failures.assertNothingReportedAndClear();
  }

  @Test
  void closingTheRuntimeReleasesEveryWaiter() throws Exception {
    for (int round = 0; round < 5; round++) {
      AsyncRuntime runtime = AsyncRuntime.builder().name("detect-close-" + round).loops(1)
          .detectBlockingCalls(BlockingCallDetection.enabled()).build();
      ExecutorService waiters = Executors.newFixedThreadPool(4);
      try {
        List<CompletableFuture<BlockingCalls>> waits = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          waits.add(CompletableFuture.supplyAsync(() -> {
            try {
              return BlockingCalls.awaitDelivered(runtime, DELIVERY);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }, waiters));
        }
        assertThat(runtime.shutdown(Duration.ofSeconds(2))).as("runtime and detector stopped").isTrue();
        CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<BlockingCalls> wait : waits) {
          assertThat(wait.get().enabled()).isTrue();
        }
      } finally {
        waiters.shutdownNow();
      }
    }
  }

  private static void sleepOnTheLoop() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
