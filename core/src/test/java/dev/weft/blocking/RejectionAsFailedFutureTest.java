package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One error path: an adapter that refuses a call (saturated or closed) returns a future already
 * failed with {@link RejectedException}, never throws it — through {@code call}, {@code run}, a
 * proxy and a task group's blocking fork alike — and a refused future nobody looks at is reported
 * like any other unobserved failure.
 */
class RejectionAsFailedFutureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("rj-failed").allowUnhandledFailures()
      .configure(builder -> builder.bulkhead(Adapters.boundedPool("one").maxThreads(1).maxQueue(0)));

  private final Gate gate = new Gate();
  private final List<Future<?>> held = new ArrayList<>();

  @AfterEach
  void release() throws Exception {
    gate.open();
    for (Future<?> call : held) {
      call.join(WAIT);
    }
    weft.failures().clear();
  }

  private BlockingAdapter saturated() throws InterruptedException {
    BlockingAdapter one = weft.runtime().adapter("one");
    held.add(one.call(gate.call("holding the only thread")));
    gate.awaitEntered(1);
    return one;
  }

  @Test
  void aSaturatedAdapterReturnsAFailedFutureInsteadOfThrowing() throws Exception {
    BlockingAdapter one = saturated();
    long rejectedBefore = one.stats().rejected();

    Future<String> refused = one.call(() -> "never runs");
    Future<Void> refusedRun = one.run(() -> {});

    assertThat(refused.isFailed()).as("failed at once").isTrue();
    assertThat(refused.failureNow()).isInstanceOf(RejectedException.class)
        .hasMessageContaining("bounded pool 'one' is saturated (1/1 running, 0/0 queued)");
    assertThat(refusedRun.isFailed()).as("run() failed at once too").isTrue();
    assertThat(refusedRun.failureNow()).isInstanceOf(RejectedException.class);
    assertThat(one.stats().rejected() - rejectedBefore).as("counted as rejections, once each").isEqualTo(2);
    assertThat(refused.recover(failure -> "fallback: " + failure.getClass().getSimpleName()).join(WAIT))
        .as("handled by the same path as any failure").isEqualTo("fallback: RejectedException");
  }

  @Test
  void aClosedAdapterReturnsAFailedFuture() {
    BlockingAdapter closed = Adapters.boundedPool("closed-early").maxThreads(1).maxQueue(0).build(weft.runtime());
    closed.close();

    Future<String> refused = closed.call(() -> "late", Duration.ofSeconds(1));

    assertThat(refused.isFailed()).as("failed at once").isTrue();
    assertThat(refused.failureNow()).isInstanceOf(RejectedException.class).hasMessageContaining("is closed");
  }

  /** The blocking twin of {@link AsyncEcho}. */
  public static final class Echo {
    public String echo(String text) {
      return text;
    }
  }

  /** Proxied onto the saturated adapter. */
  public interface AsyncEcho {
    Future<String> echo(String text);
  }

  @Test
  void aProxiedCallOnASaturatedAdapterReturnsAFailedFuture() throws Exception {
    AsyncEcho echo = Adapters.proxy(AsyncEcho.class, new Echo(), saturated());

    Future<String> refused = echo.echo("hello");

    assertThat(refused.isFailed()).as("failed at once, nothing thrown").isTrue();
    assertThat(refused.failureNow()).isInstanceOf(RejectedException.class).hasMessageContaining("'one'");
  }

  @Test
  void aRefusedBlockingForkFailsItsGroupLikeAnyFailedChild() throws Exception {
    BlockingAdapter one = saturated();

    Future<String> group = weft.onLoop(() -> TaskGroup.open(scope -> scope.forkBlocking(one, () -> "never runs")));

    assertThatThrownBy(() -> group.join(WAIT)).as("the fail-fast group of a refused child")
        .isInstanceOf(RejectedException.class).hasMessageContaining("'one'");
  }

  @Test
  void aRefusedCallWhoseFutureNobodyObservesIsReportedOnceCollected() throws Exception {
    BlockingAdapter one = saturated();
    WeakReference<Future<String>> dropped = new WeakReference<>(one.call(() -> "never runs"));

    Polling.awaitWithGc("the refused, unobserved future is reported", WAIT,
        () -> weft.failures().failures().stream().anyMatch(failure -> failure instanceof RejectedException));

    assertThat(dropped.get()).as("reported only once collected").isNull();
  }
}
