package dev.weft.examples;

import dev.weft.future.Future;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * docs/wrapping-legacy-clients.md's Resilience4j example, compiled and run by its test: retry and a
 * circuit breaker around a legacy client made asynchronous with {@code Adapters.proxy}, on Weft
 * futures (through {@link Future#toCompletableFuture()} and {@link Future#from}).
 */
public final class ResilienceExample {
  private ResilienceExample() {}

  /** The legacy client: blocking, and sometimes failing. */
  public static class InventoryClient {
    public int stock(String sku) throws IOException {
      throw new IOException("inventory service unreachable"); // a real one calls a server
    }
  }

  /** Its asynchronous twin, for {@code Adapters.proxy}. */
  public interface AsyncInventoryClient {
    Future<Integer> stock(String sku);
  }

  /** The proxied client behind a retry and a circuit breaker. */
  public static final class ResilientInventory {
    private final AsyncInventoryClient inventory;
    private final ScheduledExecutorService retryTimer; // Resilience4j waits between attempts on it
    final CircuitBreaker breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.custom()
        .slidingWindowSize(10)
        .minimumNumberOfCalls(5)                                   // judge after 5 calls
        .failureRateThreshold(50)                                  // open at 50 % failures
        .waitDurationInOpenState(Duration.ofSeconds(30))           // then fail fast for 30 s
        .build());
    final Retry retry = Retry.of("inventory", RetryConfig.custom()
        .maxAttempts(3)                                            // the call and 2 retries
        .waitDuration(Duration.ofMillis(20))
        .retryExceptions(IOException.class)                        // not an open breaker, not a
        .build());                                                 // refusal (RejectedException)

    public ResilientInventory(AsyncInventoryClient inventory, ScheduledExecutorService retryTimer) {
      this.inventory = inventory;
      this.retryTimer = retryTimer;
    }

    /** Each attempt goes through the breaker; the retry wraps them all. */
    public Future<Integer> stock(String sku) {
      Supplier<CompletionStage<Integer>> attempt = () -> inventory.stock(sku).toCompletableFuture();
      Supplier<CompletionStage<Integer>> guarded = Retry.decorateCompletionStage(retry, retryTimer,
          CircuitBreaker.decorateCompletionStage(breaker, attempt));
      return Future.from(guarded.get());                           // a Weft future again
    }
  }
}
