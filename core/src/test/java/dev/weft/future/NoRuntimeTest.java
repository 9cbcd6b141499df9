package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The static factories home a future made off any loop on an open runtime; with none open they
 * refuse with an IllegalStateException that says what to do. Other test classes close their
 * runtimes in {@code @AfterAll}, and test classes do not run in parallel, so none is open here.
 */
class NoRuntimeTest {

  private static void assertRefusedForWantOfARuntime(String factory, ThrowingCallable call) {
    assertThatThrownBy(call).as(factory + " off any loop with no runtime open")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no AsyncRuntime is open")
        .hasMessageContaining("AsyncRuntime.create()");
  }

  @Test
  void succeededNeedsAnOpenRuntime() {
    assertRefusedForWantOfARuntime("Future.succeeded", () -> Future.succeeded("x"));
  }

  @Test
  void failedNeedsAnOpenRuntime() {
    assertRefusedForWantOfARuntime("Future.failed", () -> Future.failed(new IOException("x")));
  }

  @Test
  void fromNeedsAnOpenRuntime() {
    assertRefusedForWantOfARuntime("Future.from", () -> Future.from(new CompletableFuture<String>()));
  }

  @Test
  void createNeedsAnOpenRuntime() {
    assertRefusedForWantOfARuntime("Promise.create", Promise::create);
  }

  @Test
  void allOfNoFuturesNeedsAnOpenRuntime() {
    assertRefusedForWantOfARuntime("Future.all of an empty list", () -> Future.all(List.of()));
  }

  @Test
  void aClosedRuntimeNoLongerHomesFutures() {
    AsyncRuntime runtime = AsyncRuntime.builder().name("ft-closed").loops(1).build();
    assertThat(Future.succeeded("homed").home().runtime()).as("runtime of a future made while it was open")
        .isSameAs(runtime);
    runtime.close();

    assertRefusedForWantOfARuntime("Future.succeeded after the only runtime closed", () -> Future.succeeded("x"));
  }

  @Test
  void offLoopFactoriesUseTheOldestOpenRuntime() {
    try (AsyncRuntime oldest = AsyncRuntime.builder().name("ft-oldest").loops(1).build();
        AsyncRuntime newer = AsyncRuntime.builder().name("ft-newer").loops(1).build()) {
      assertThat(Promise.create().home().runtime()).as("runtime of a promise made off any loop")
          .isSameAs(oldest)
          .isNotSameAs(newer);
    }
  }
}
