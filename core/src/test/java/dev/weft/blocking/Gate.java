package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Blocking calls that wait at a gate until the test opens it: a way to hold an adapter's threads
 * busy for exactly as long as a test needs. A call waits at most 10 s, so a failing test cannot
 * hold a thread forever.
 */
final class Gate {
  private final CountDownLatch open = new CountDownLatch(1);
  private final Semaphore entered = new Semaphore(0);

  /**
   * A call that enters the gate, waits until it opens, and returns {@code value}.
   *
   * @param value the result
   * @param <T> its type
   * @return the call
   */
  <T> Callable<T> call(T value) {
    return () -> {
      entered.release();
      if (!open.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
      return value;
    };
  }

  /**
   * Waits until {@code calls} more calls have entered the gate (are running on the adapter).
   *
   * @param calls how many
   */
  void awaitEntered(int calls) throws InterruptedException {
    assertThat(entered.tryAcquire(calls, 5, TimeUnit.SECONDS)).as("%d calls entered the gate within 5 s", calls)
        .isTrue();
  }

  void open() {
    open.countDown();
  }
}
