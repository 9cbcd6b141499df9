package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.limit.LimitStats;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class AdaptiveLimitExampleTest {

  @Test
  void theBulkheadsLimitStaysBetweenItsFloorAndCeilingAndReportsWhy() throws Exception {
    Semaphore capacity = new Semaphore(4);
    LimitStats stats = AdaptiveLimitExample.callThroughAnAdaptiveBulkhead(() -> {
      capacity.acquire();
      try {
        Thread.sleep(5);
        return "ok";
      } finally {
        capacity.release();
      }
    }, 400);
    assertThat(stats.name()).isEqualTo("legacy");
    assertThat(stats.limit()).isBetween(2, 64);
    assertThat(stats.ceiling()).isEqualTo(64);
    assertThat(stats.inFlight()).isZero();
    assertThat(stats.noLoadLatency()).as("measured: %s", stats).isPositive();
    assertThat(stats.reason()).isNotBlank();
  }
}
