package dev.weft.runtime;

import static dev.weft.runtime.RuntimeTestSupport.liveThreadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code run(main)}: the asyncio.run of Weft. */
class AsyncRuntimeRunTest {
  private final String name = RuntimeTestSupport.uniqueName("run");

  @Test
  void runReturnsTheValueOfMainsFuture() throws Exception {
    Integer answer = AsyncRuntime.builder().name(name)
        .run(runtime -> runtime.nextLoop().delay(Duration.ofMillis(10)).map(ignored -> 42));

    assertThat(answer).as("value returned by run()").isEqualTo(42);
  }

  @Test
  void runCallsMainOnALoopOfItsRuntime() throws Exception {
    AtomicReference<AsyncRuntime> given = new AtomicReference<>();
    Loop mainLoop = AsyncRuntime.builder().name(name).run(runtime -> {
      given.set(runtime);
      return Future.succeeded(Loop.current());
    });

    assertThat(mainLoop).as("Loop.current() inside main").isNotNull();
    assertThat(given.get().loops()).as("loops of the runtime given to main").contains(mainLoop);
  }

  @Test
  void runRethrowsAnUncheckedFailureUnwrapped() {
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(() -> AsyncRuntime.builder().name(name).run(runtime -> Future.failed(boom)))
        .as("what run() throws when main's future fails")
        .isSameAs(boom);
  }

  @Test
  void runRethrowsACheckedFailureUnwrapped() {
    IOException boom = new IOException("boom");

    assertThatThrownBy(() -> AsyncRuntime.builder().name(name)
        .run(runtime -> runtime.nextLoop().delay(Duration.ofMillis(10)).flatMap(ignored -> Future.failed(boom))))
        .as("what run() throws when main's future fails with a checked exception")
        .isSameAs(boom);
  }

  @Test
  void runRethrowsWhatMainItselfThrows() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");

    assertThatThrownBy(() -> AsyncRuntime.builder().name(name).<String>run(runtime -> {
      throw boom;
    })).as("what run() throws when main throws").isSameAs(boom);
  }

  @Test
  void runLeavesNoThreadOfItsRuntimeBehind() throws Exception {
    AsyncRuntime.builder().name(name).loops(2).run(runtime -> runtime.nextLoop().delay(Duration.ofMillis(10)));

    assertThat(liveThreadsOf(name)).as("threads of the runtime after run() returned").isEmpty();
  }

  @Test
  void runLeavesNoThreadOfItsRuntimeBehindWhenMainFails() {
    assertThatThrownBy(() -> AsyncRuntime.builder().name(name).loops(2)
        .run(runtime -> Future.failed(new IllegalStateException("boom"))))
        .isInstanceOf(IllegalStateException.class);

    assertThat(liveThreadsOf(name)).as("threads of the runtime after run() threw").isEmpty();
  }
}
