package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.ContextKey;
import dev.weft.Deadline;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Context travels with work registered under it, on any thread, and never leaks to other work. */
class ContextPropagationTest {
  private static final ContextKey<String> REQUEST = ContextKey.of("request", String.class);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("ctx-test").loops(1).build();
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @Test
  void aCallbackSeesTheContextOfTheCodeThatRegisteredItNotTheCompleters() throws Exception {
    Loop loop = runtime.nextLoop();
    Promise<String> promise = loop.newPromise();
    CompletableFuture<String> seen = new CompletableFuture<>();
    Context.root().with(REQUEST, "registrar").run(() ->
        promise.onComplete((value, failure) -> seen.complete(Context.current().get(REQUEST))));
    Context.root().with(REQUEST, "completer").run(() -> promise.complete("done"));
    assertThat(seen.get(5, TimeUnit.SECONDS)).as("the callback's context").isEqualTo("registrar");
  }

  @Test
  void mapFunctionsSeeTheContextOfTheirChain() throws Exception {
    Loop loop = runtime.nextLoop();
    Promise<Integer> source = loop.newPromise();
    Future<String> mapped = Context.root().with(REQUEST, "chain").call(() ->
        source.map(x -> Context.current().get(REQUEST) + x));
    source.complete(1);
    assertThat(mapped.join(Duration.ofSeconds(5))).isEqualTo("chain1");
  }

  @Test
  void loopTasksAndTimersRunWithTheSubmittersContext() throws Exception {
    Loop loop = runtime.nextLoop();
    CompletableFuture<String> executed = new CompletableFuture<>();
    Future<String> scheduled = Context.root().with(REQUEST, "submitter").call(() -> {
      loop.execute(() -> executed.complete(Context.current().get(REQUEST)));
      return loop.schedule(Duration.ofMillis(5), () -> Context.current().get(REQUEST));
    });
    assertThat(executed.get(5, TimeUnit.SECONDS)).isEqualTo("submitter");
    assertThat(scheduled.join(Duration.ofSeconds(5))).isEqualTo("submitter");
  }

  @Test
  void blockingCallsSeeTheCallersDeadlineAndValues() throws Exception {
    Deadline deadline = Deadline.after(Duration.ofSeconds(30));
    Future<String> call = Context.root().with(REQUEST, "caller").withDeadline(deadline).call(() ->
        runtime.blocking().call(() -> Context.current().get(REQUEST) + "@" + Context.current().deadline().orElseThrow()
            .equals(deadline)));
    assertThat(call.join(Duration.ofSeconds(5))).isEqualTo("caller@true");
  }

  @Test
  void interleavedTasksOnOneLoopEachSeeTheirOwnContextAndUnrelatedWorkSeesNone() throws Exception {
    Loop loop = runtime.nextLoop();
    ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(200);
    List<Future<Void>> delays = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String mine = "task-" + i;
      Context.root().with(REQUEST, mine).run(() -> {
        loop.execute(() -> {
          check(mine, mismatches);
          done.countDown();
        });
        delays.add(loop.delay(Duration.ofMillis(1)).onComplete((v, f) -> {
          check(mine, mismatches);
          done.countDown();
        }));
      });
      loop.execute(() -> check(null, mismatches)); // registered outside any context
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).as("all tasks ran").isTrue();
    CompletableFuture<String> after = new CompletableFuture<>();
    loop.execute(() -> after.complete(String.valueOf(Context.current().get(REQUEST))));
    assertThat(after.get(5, TimeUnit.SECONDS)).as("context after the tasks").isEqualTo("null");
    assertThat(mismatches).as("tasks that saw another task's context").isEmpty();
    assertThat(Context.current().get(REQUEST)).as("the test thread's context").isNull();
  }

  private static void check(String expected, ConcurrentLinkedQueue<String> mismatches) {
    String actual = Context.current().get(REQUEST);
    if (expected == null ? actual != null : !expected.equals(actual)) {
      mismatches.add("expected " + expected + " but saw " + actual);
    }
  }
}
