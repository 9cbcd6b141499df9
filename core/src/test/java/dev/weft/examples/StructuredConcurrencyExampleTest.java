package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class StructuredConcurrencyExampleTest {

  @Test
  void pageCombinesBlockingAndAsyncChildren() throws Exception {
    String page = StructuredConcurrencyExample.productPage(id -> "lamp#" + id, Duration.ofMillis(10));
    assertThat(page).isEqualTo("lamp#42 [great, fine]");
  }

  @Test
  void failureOfOneChildFailsThePageWithThatException() {
    assertThatThrownBy(() -> StructuredConcurrencyExample.productPage(id -> {
      throw new IOException("catalog down");
    }, Duration.ofSeconds(5)))
        .as("the catalogue's own exception, unwrapped; the slow reviews child was cancelled")
        .isInstanceOf(IOException.class)
        .hasMessage("catalog down");
  }

  @Test
  void slowBlockingChildIsInterruptedWhenTheDeadlinePasses() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    assertThatThrownBy(() -> StructuredConcurrencyExample.productPage(id -> {
      try {
        Thread.sleep(10_000);
        return "too late";
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    }, Duration.ofMillis(10)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("product-page");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the blocking child was interrupted").isTrue();
  }
}
