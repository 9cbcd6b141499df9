package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deadlines: expiry cancels everything inside; nested groups never outlast the enclosing deadline. */
class GroupDeadlineTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-deadline");

  @BeforeEach
  void warmUp() throws Exception {
    // a warm worker, so that blocking children start well within the timeouts below
    weft.runtime().blocking().call(() -> "warm").join(WAIT);
  }

  @Test
  void expiryCancelsEveryChildAndFailsTheGroupWithTimeout() throws Exception {
    CompletableFuture<Boolean> asyncChildCancelled = new CompletableFuture<>();
    CompletableFuture<Throwable> blockingChildSaw = new CompletableFuture<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("slow-page").timeout(Duration.ofMillis(500))
        .open(g -> {
          g.fork(() -> {
            Promise<String> never = Loop.current().newPromise();
            never.onCancel(() -> asyncChildCancelled.complete(true));
            return never;
          });
          g.forkBlocking(() -> {
            try {
              Thread.sleep(60_000);
              blockingChildSaw.complete(null);
            } catch (InterruptedException interrupted) {
              blockingChildSaw.complete(interrupted);
            }
            return "late";
          });
          return Loop.current().newPromise(); // the body itself never finishes either
        }));

    assertThatThrownBy(() -> group.join(WAIT)).as("the group's failure").isInstanceOf(TimeoutException.class);
    assertThat(asyncChildCancelled.getNow(false)).as("the async child was cancelled").isTrue();
    assertThat(blockingChildSaw.getNow(null))
        .as("what the blocking child saw (it had stopped when the group completed)")
        .isInstanceOf(InterruptedException.class);
  }

  @Test
  void timeoutMessageNamesTheGroupAndTheElapsedTime() {
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("slow-page").timeout(Duration.ofMillis(50))
        .open(g -> Loop.current().newPromise()));

    assertThatThrownBy(() -> group.join(WAIT))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("'slow-page'")
        .hasMessageMatching(".*timed out after \\d+ms.*");
  }

  @Test
  void timeoutMessageGivesTheTimeAtExpiryNotWhenTheLastChildStopped() throws Exception {
    CountDownLatch childInterrupted = new CountDownLatch(1);
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("slow-stop").timeout(Duration.ofMillis(50))
        .open(g -> {
          g.forkBlocking(() -> {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException interrupted) {
              childInterrupted.countDown();
              Thread.sleep(1_500); // cleanup that takes a while after the interrupt
            }
            return "stopped";
          });
          return Loop.current().newPromise();
        }));

    assertThatThrownBy(() -> group.join(WAIT))
        .isInstanceOf(TimeoutException.class)
        .hasMessageMatching(".*timed out after [1-9]\\d{1,2}ms.*"); // about 50ms, well under the 1.5s stop
  }

  @Test
  void aFailureBeforeTheDeadlineIsNotReplacedByTheTimeout() {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch slowChildRunning = new CountDownLatch(1);
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().timeout(Duration.ofMillis(500)).open(g -> {
      g.forkBlocking(() -> {
        slowChildRunning.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException interrupted) {
          Thread.sleep(1_000); // still stopping when the deadline passes
        }
        return "stopped";
      });
      g.forkBlocking(() -> {
        slowChildRunning.await();
        throw boom;
      });
      return Future.succeeded("body");
    }));

    assertThatThrownBy(() -> group.join(WAIT)).as("the group's failure").isSameAs(boom);
  }

  @Test
  void groupThatFinishesInTimeSucceeds() throws Exception {
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().timeout(Duration.ofSeconds(5)).open(g ->
        g.forkBlocking(() -> "quick")));

    assertThat(group.join(WAIT)).isEqualTo("quick");
  }

  @Test
  void groupTimesOutAtTheDeadlineOfTheContextItIsOpenedInAndSaysItWasInherited() throws Exception {
    Deadline contextDeadline = Deadline.after(Duration.ofMillis(50));
    AtomicReference<Optional<Deadline>> groupDeadline = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> {
      try {
        return Context.current().withDeadline(contextDeadline).call(() -> TaskGroup.builder().name("inheritor")
            .timeout(Duration.ofSeconds(30)).open(g -> {
              groupDeadline.set(g.deadline());
              return Loop.current().newPromise();
            }));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("'inheritor'").hasMessageContaining("inherited");
    assertThat(groupDeadline.get()).as("the group's deadline").contains(contextDeadline);
  }

  @Test
  void nestedGroupInheritsTheShorterDeadlineOfItsParent() throws Exception {
    AtomicReference<Optional<Deadline>> parentDeadline = new AtomicReference<>();
    AtomicReference<Optional<Deadline>> innerDeadline = new AtomicReference<>();
    AtomicReference<Optional<Deadline>> innerContextDeadline = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").timeout(Duration.ofMillis(100))
        .open(outer -> {
          parentDeadline.set(outer.deadline());
          return outer.fork(() -> TaskGroup.builder().name("inner").timeout(Duration.ofSeconds(30)).open(inner -> {
            innerDeadline.set(inner.deadline());
            innerContextDeadline.set(Context.current().deadline());
            return Loop.current().newPromise();
          }));
        }));

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(TimeoutException.class);
    assertThat(innerDeadline.get()).as("the inner group's deadline").isEqualTo(parentDeadline.get()).isPresent();
    assertThat(innerContextDeadline.get()).as("the deadline the inner body sees").isEqualTo(parentDeadline.get());
  }

  @Test
  void nestedGroupKeepsItsOwnShorterDeadline() throws Exception {
    AtomicReference<Optional<Deadline>> parentDeadline = new AtomicReference<>();
    AtomicReference<Optional<Deadline>> innerDeadline = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").timeout(Duration.ofSeconds(30))
        .open(outer -> {
          parentDeadline.set(outer.deadline());
          return outer.fork(() -> TaskGroup.builder().name("inner").timeout(Duration.ofMillis(50)).open(inner -> {
            innerDeadline.set(inner.deadline());
            return Loop.current().newPromise();
          }));
        }));

    assertThatThrownBy(() -> group.join(WAIT)).as("the inner timeout fails the outer group")
        .isInstanceOf(TimeoutException.class).hasMessageContaining("'inner'");
    assertThat(innerDeadline.get().orElseThrow()).as("the inner group's deadline")
        .isLessThan(parentDeadline.get().orElseThrow());
  }

  @Test
  void expiryOfTheParentCancelsTheChildrenOfANestedGroup() throws Exception {
    CompletableFuture<Throwable> grandchildSaw = new CompletableFuture<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").timeout(Duration.ofMillis(500))
        .open(outer -> outer.fork(() -> TaskGroup.builder().name("inner").open(inner -> inner.forkBlocking(() -> {
          try {
            Thread.sleep(60_000);
            grandchildSaw.complete(null);
          } catch (InterruptedException interrupted) {
            grandchildSaw.complete(interrupted);
          }
          return "late";
        })))));

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(TimeoutException.class);
    assertThat(grandchildSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("what the nested group's blocking child saw").isInstanceOf(InterruptedException.class);
  }
}
