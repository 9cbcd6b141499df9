package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FIRST_SUCCESS: a race whose first success wins and whose losers are cancelled. */
class FirstSuccessGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-race");

  private <R> Future<R> race(Function<? super TaskGroup, ? extends Future<R>> body) {
    return weft.runtime().nextLoop().submit(() -> TaskGroup.open(TaskGroupPolicy.FIRST_SUCCESS, body));
  }

  @Test
  void winnersValueComesBack() throws Exception {
    Future<String> group = race(g -> Future.any(List.of(
        g.fork(() -> Loop.current().newPromise()),
        g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> "fast")),
        g.forkBlocking(() -> {
          Thread.sleep(60_000);
          return "slow";
        }))));

    assertThat(group.join(WAIT)).as("the race's result").isEqualTo("fast");
  }

  @Test
  void losersAreCancelledAndABlockingLoserIsInterrupted() throws Exception {
    CountDownLatch blockingLoserSleeping = new CountDownLatch(1);
    CompletableFuture<Throwable> blockingLoserSaw = new CompletableFuture<>();
    CompletableFuture<Boolean> asyncLoserCancelled = new CompletableFuture<>();
    Future<String> group = race(g -> {
      Future<String> asyncLoser = g.fork(() -> {
        Promise<String> never = Loop.current().newPromise();
        never.onCancel(() -> asyncLoserCancelled.complete(true));
        return never;
      });
      Future<String> blockingLoser = g.forkBlocking(() -> {
        blockingLoserSleeping.countDown();
        try {
          Thread.sleep(60_000);
          blockingLoserSaw.complete(null);
        } catch (InterruptedException interrupted) {
          blockingLoserSaw.complete(interrupted);
        }
        return "slow";
      });
      Future<String> winner = g.forkBlocking(() -> {
        blockingLoserSleeping.await();
        return "winner";
      });
      return Future.any(List.of(asyncLoser, blockingLoser, winner));
    });

    assertThat(group.join(WAIT)).isEqualTo("winner");
    assertThat(asyncLoserCancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the async loser was cancelled").isTrue();
    assertThat(blockingLoserSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("what the blocking loser saw").isInstanceOf(InterruptedException.class);
  }

  @Test
  void losersAreCancelledEvenWhenTheBodyIgnoresThem() throws Exception {
    CompletableFuture<Boolean> loserCancelled = new CompletableFuture<>();
    Future<String> group = race(g -> {
      g.fork(() -> {
        Promise<String> never = Loop.current().newPromise();
        never.onCancel(() -> loserCancelled.complete(true));
        return never;
      });
      g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> "fast"));
      return Future.succeeded("body");
    });

    assertThat(loserCancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the loser was cancelled").isTrue();
    assertThat(group.join(WAIT)).isEqualTo("body");
  }

  @Test
  void whenEveryChildFailsTheGroupFailsWithTheFirstFailureAndSuppressesTheOthers() {
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    UnsupportedOperationException third = new UnsupportedOperationException("third");
    Future<String> group = race(g -> Future.any(List.of(
        g.fork(() -> Future.<String>failed(first)),
        g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> {
          throw second;
        })),
        g.forkBlocking(() -> {
          Thread.sleep(20);
          throw third;
        }))));

    assertThatThrownBy(() -> group.join(WAIT)).as("the race's failure").isSameAs(first);
    assertThat(first.getSuppressed()).as("suppressed on the first failure")
        .containsExactlyInAnyOrder(second, third);
  }

  @Test
  void whenEveryChildFailsAndTheBodyIgnoresThemTheGroupStillFails() {
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    Future<String> group = race(g -> {
      g.fork(() -> Future.<String>failed(first));
      g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> {
        throw second;
      }));
      return Future.succeeded("body");
    });

    assertThatThrownBy(() -> group.join(WAIT)).as("the race's failure").isSameAs(first);
    assertThat(first.getSuppressed()).as("suppressed on the first failure").containsExactly(second);
  }
}
