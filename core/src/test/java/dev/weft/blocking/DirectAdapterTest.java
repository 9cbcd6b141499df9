package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The direct adapter: runs calls on the calling thread, never on a loop. */
class DirectAdapterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;
  private static BlockingAdapter direct;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-direct").loops(1).shutdownGracePeriod(Duration.ofSeconds(2)).build();
    direct = Adapters.direct(runtime);
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void runsTheCallOnTheCallingThreadAndReturnsACompletedFuture() throws Exception {
    Future<Thread> call = direct.call(Thread::currentThread);
    assertThat(call.isDone()).as("done when call() returns").isTrue();
    assertThat(call.join(WAIT)).as("the thread that ran the call").isSameAs(Thread.currentThread());
    assertThat(direct.stats().kind()).as("kind").isEqualTo("direct");
  }

  @Test
  void refusesToRunOnALoopThread() {
    Future<Object> attempt = runtime.nextLoop().submit(() -> direct.call(() -> "on a loop"));
    assertThatThrownBy(() -> attempt.join(WAIT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is a loop thread: a blocking call here would stall the loop")
        .hasMessageContaining("Use a bounded pool or virtual-thread adapter from loops");
  }

  @Test
  void aTimeoutInterruptsTheCallOnTheCallingThread() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    long start = System.nanoTime();
    Future<String> call = direct.call(() -> {
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        return "never interrupted";
      } catch (InterruptedException expected) {
        interrupted.countDown();
        throw expected;
      }
    }, Duration.ofMillis(50));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(interrupted.getCount()).as("the call saw the interrupt").isZero();
    assertThat(tookMillis).as("ms until call() returned (the call waits up to 10 s unless interrupted)")
        .isLessThan(5_000);
    assertThatThrownBy(() -> call.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("did not complete within 50ms");
    assertThat(Thread.currentThread().isInterrupted()).as("the timeout's interrupt outlives the call").isFalse();
  }

  @Test
  void theCallersOwnInterruptIsKept() {
    Thread.currentThread().interrupt();
    try {
      direct.call(() -> "ignores interrupts");
      assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt flag after the call").isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
