package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** recover with checked exceptions, recoverWith, handle and transform: results, failures, threads, cancellation. */
class RecoveryAndTransformTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-recovery");
  private static Loop home;
  private static Thread homeThread;

  @BeforeAll
  static void openRuntime() throws Exception {
    home = weft.loop(0);
    homeThread = Loops.threadOf(home);
  }

  @Test
  void recoverMayRethrowACheckedExceptionWhichFailsTheResultUnwrapped() {
    SQLException notHandledHere = new SQLException("constraint violated", "23505");
    Future<String> result = Future.<String>failed(new IOException("down")).recover(failure -> {
      if (failure instanceof IOException) {
        throw notHandledHere;
      }
      return "fallback";
    });

    assertThatThrownBy(() -> result.join(WAIT)).as("the checked exception recover threw").isSameAs(notHandledHere);
  }

  @Test
  void recoverWithFollowsTheFallbackFutureOnTheHomeLoop() throws Exception {
    Promise<String> primary = home.newPromise();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    Future<String> result = primary.recoverWith(failure -> {
      ranOn.complete(Thread.currentThread());
      return home.schedule(Duration.ofMillis(5), () -> "fallback after " + failure.getMessage());
    });
    Loops.onPlainThread(() -> primary.fail(new IOException("primary down")));

    assertThat(result.join(WAIT)).as("result of recoverWith").isEqualTo("fallback after primary down");
    assertThat(ranOn.get()).as("thread recoverWith's function ran on").isSameAs(homeThread);
  }

  @Test
  void recoverWithPassesASuccessThroughWithoutCallingTheFunction() throws Exception {
    Future<String> result = Future.succeeded("primary").recoverWith(failure -> {
      throw new AssertionError("must not run on success");
    });

    assertThat(result.join(WAIT)).isEqualTo("primary");
  }

  @Test
  void recoverWithReturningNullFailsTheResultWithANullPointerExceptionNamingIt() {
    Future<String> result = Future.<String>failed(new IOException("down")).recoverWith(failure -> null);

    assertThatThrownBy(() -> result.join(WAIT)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("recoverWith returned null");
  }

  @Test
  void cancellingTheResultOfRecoverWithCancelsTheRunningFallback() throws Exception {
    Promise<String> fallback = home.newPromise();
    CompletableFuture<Boolean> fallbackStarted = new CompletableFuture<>();
    Future<String> result = Loops.onLoop(home, () -> Future.<String>failed(new IOException("down"))
        .recoverWith(failure -> {
          fallbackStarted.complete(true);
          return fallback;
        }));
    fallbackStarted.get();

    assertThat(result.cancel()).as("cancel() of the result").isTrue();
    assertThatThrownBy(() -> fallback.join(WAIT)).as("the fallback, once the result is cancelled")
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void handleSeesSuccessAndFailureAlikeAndObservesTheFailure() throws Exception {
    IOException failure = new IOException("down");
    Future<String> fromSuccess = Future.succeeded(41).handle((value, error) -> "value " + (value + 1) + ", " + error);
    Future<String> fromFailure = Future.<Integer>failed(failure).handle((value, error) -> value + ", " + error.getMessage());

    assertThat(fromSuccess.join(WAIT)).isEqualTo("value 42, null");
    assertThat(fromFailure.join(WAIT)).isEqualTo("null, down");
    assertThat(weft.failures().timesReported(failure)).as("reports of a failure handle() received").isZero();
  }

  @Test
  void handleMayThrowACheckedExceptionWhichFailsTheResult() {
    Exception thrown = new Exception("from handle");
    Future<String> result = Future.succeeded("x").handle((value, error) -> {
      throw thrown;
    });

    assertThatThrownBy(() -> result.join(WAIT)).isSameAs(thrown);
  }

  @Test
  void transformFollowsTheFutureMadeOfEitherOutcome() throws Exception {
    Future<String> fromFailure = Future.<String>failed(new IOException("down"))
        .transform((value, error) -> home.schedule(Duration.ofMillis(5), () -> "retried after " + error.getMessage()));
    Future<Integer> fromSuccess = Future.succeeded("four")
        .transform((value, error) -> Future.succeeded(value.length()));

    assertThat(fromFailure.join(WAIT)).isEqualTo("retried after down");
    assertThat(fromSuccess.join(WAIT)).isEqualTo(4);
  }

  @Test
  void transformReturningNullFailsTheResultWithANullPointerExceptionNamingIt() {
    Future<String> result = Future.succeeded("x").transform((value, error) -> null);

    assertThatThrownBy(() -> result.join(WAIT)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("transform returned null");
  }
}
