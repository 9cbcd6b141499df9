package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.blocking.Adapters;
import dev.weft.examples.ResilienceExample.AsyncInventoryClient;
import dev.weft.examples.ResilienceExample.InventoryClient;
import dev.weft.examples.ResilienceExample.ResilientInventory;
import dev.weft.testing.WeftRuntimeExtension;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Resilience4j around a proxied legacy client: retries happen, and a failing service opens the breaker. */
class ResilienceExampleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("r4j")
      .configure(builder -> builder.bulkhead(Adapters.boundedPool("inventory").maxThreads(4).maxQueue(16)));
  private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    retryTimer.shutdownNow();
  }

  /** Fails its first {@code failures} calls, then answers; counts calls. */
  public static final class FlakyInventory extends InventoryClient {
    final AtomicInteger calls = new AtomicInteger();
    private final int failures;

    FlakyInventory(int failures) {
      this.failures = failures;
    }

    @Override
    public int stock(String sku) throws IOException {
      if (calls.incrementAndGet() <= failures) {
        throw new IOException("call " + calls.get() + " failed");
      }
      return 7;
    }
  }

  private ResilientInventory over(InventoryClient legacy) {
    AsyncInventoryClient proxied = Adapters.proxy(AsyncInventoryClient.class, legacy, weft.runtime().adapter("inventory"));
    return new ResilientInventory(proxied, retryTimer);
  }

  @Test
  void failedAttemptsAreRetriedUntilOneSucceeds() throws Exception {
    FlakyInventory legacy = new FlakyInventory(2);
    ResilientInventory inventory = over(legacy);

    assertThat(inventory.stock("sku-1").join(WAIT)).as("the third attempt's answer").isEqualTo(7);
    assertThat(legacy.calls.get()).as("calls made to the legacy client").isEqualTo(3);
    assertThat(inventory.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
  }

  @Test
  void aServiceThatKeepsFailingOpensTheBreakerAndLaterCallsFailFast() throws Exception {
    FlakyInventory legacy = new FlakyInventory(Integer.MAX_VALUE);
    ResilientInventory inventory = over(legacy);

    assertThatThrownBy(() -> inventory.stock("sku-1").join(WAIT)).as("three attempts, all failed")
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> inventory.stock("sku-2").join(WAIT)).as("the breaker opens during these")
        .isInstanceOfAny(IOException.class, CallNotPermittedException.class);
    assertThat(inventory.breaker.getState()).as("after 5 failed calls of 5").isEqualTo(CircuitBreaker.State.OPEN);
    int callsWhenOpened = legacy.calls.get();

    assertThatThrownBy(() -> inventory.stock("sku-3").join(WAIT)).as("a call while the breaker is open")
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(legacy.calls.get()).as("calls that reached the legacy client once open").isEqualTo(callsWhenOpened);
    assertThat(callsWhenOpened).as("attempts before the breaker opened").isEqualTo(5);
  }
}
