package dev.weft.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.limit.AdaptiveGate.Permit;
import dev.weft.limit.AdaptiveLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads acquiring, waiting, cancelling and releasing while the real algorithm moves the
 * limit. Invariants: no permit leaks (after every call ended, nothing is in flight and nobody
 * waits), every waiter is either granted or cancelled, never both, and the limit stays in
 * [floor, ceiling]. Bounded: 8 threads x 20 000 calls or 20 s, whichever comes first.
 */
class AdaptiveGateStressTest {

  @Test
  void noPermitLeaksUnderManyThreads() throws Exception {
    AdaptiveGate gate = AdaptiveGate.create("stress", AdaptiveLimit.vegas().floor(2).window(Duration.ofMillis(1))
        .probeInterval(Duration.ofMillis(100)), 16, "maxThreads");
    int threads = 8;
    int callsPerThread = 20_000;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    ConcurrentLinkedQueue<Permit> handedToWaiters = new ConcurrentLinkedQueue<>();
    AtomicInteger grantedTwice = new AtomicInteger();
    AtomicInteger outOfRange = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(t);
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        Outcome[] outcomes = Outcome.values();
        for (int i = 0; i < callsPerThread && System.nanoTime() < deadline; i++) {
          calls.incrementAndGet();
          AtomicInteger grants = new AtomicInteger();
          AdaptiveGate.Waiter waiter = permit -> {
            if (grants.incrementAndGet() > 1) {
              grantedTwice.incrementAndGet();
            }
            handedToWaiters.add(permit); // released by whichever thread drains the queue next
          };
          Permit permit = gate.acquire(waiter, 4);
          if (permit == AdaptiveGate.WAITING) {
            if (random.nextInt(4) == 0 && gate.cancelWait(waiter)) {
              continue; // cancelled while it waited: never granted
            }
          } else if (permit != null) {
            if (random.nextInt(8) == 0) {
              Thread.onSpinWait();
            }
            permit.release(random.nextInt(20) == 0 ? outcomes[random.nextInt(outcomes.length)] : Outcome.SUCCESS);
          }
          for (Permit handed; (handed = handedToWaiters.poll()) != null; ) {
            handed.release(Outcome.SUCCESS);
          }
          int limit = gate.limit();
          if (limit < 2 || limit > 16) {
            outOfRange.incrementAndGet();
          }
        }
      }, "gate-stress-" + t);
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(worker.isAlive()).as("%s finished", worker.getName()).isFalse();
    }
    // waiters granted after their thread's last drain: some thread must release them
    for (int round = 0; round < 1000 && (gate.waiting() > 0 || !handedToWaiters.isEmpty()); round++) {
      for (Permit handed; (handed = handedToWaiters.poll()) != null; ) {
        handed.release(Outcome.SUCCESS);
      }
    }
    assertThat(calls.get()).as("calls made").isGreaterThan(1_000);
    assertThat(grantedTwice.get()).as("waiters granted twice").isZero();
    assertThat(outOfRange.get()).as("limits read outside [2, 16]").isZero();
    assertThat(gate.waiting()).as("waiters left").isZero();
    assertThat(gate.inFlight()).as("permits in flight after every call ended").isZero();
  }
}
