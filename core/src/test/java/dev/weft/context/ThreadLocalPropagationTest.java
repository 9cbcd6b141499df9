package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ThreadLocalPropagation;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.examples.OpenTelemetryContextAccessor;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.group.TaskGroup;
import dev.weft.testing.WeftRuntimeExtension;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * Thread-locals (SLF4J's MDC, OpenTelemetry's context) set before a hop are seen after it — on a
 * loop, in a future's continuation, on an adapter's worker, in a task group's children — and never
 * by an unrelated task that runs later on the same thread.
 */
class ThreadLocalPropagationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("tl-prop")
      .configure(builder -> builder.bulkhead(Adapters.boundedPool("single").maxThreads(1).maxQueue(16)));

  @BeforeEach
  void enable() {
    ContextRegistry registry = new ContextRegistry() // a registry of the test's own: nothing global changes
        .registerThreadLocalAccessor(new Slf4jThreadLocalAccessor())
        .registerThreadLocalAccessor(new OpenTelemetryContextAccessor());
    ThreadLocalPropagation.enable(ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build());
  }

  @AfterEach
  void disable() {
    ThreadLocalPropagation.disable();
    MDC.clear();
  }

  @Test
  void anMdcValueSetBeforeALoopHopIsSeenOnTheLoopAndInAContinuation() throws Exception {
    MDC.put("requestId", "r-loop");
    Future<String> onLoop = weft.loop(0).schedule(Duration.ZERO, () -> MDC.get("requestId"));
    Promise<String> completedElsewhere = weft.loop(1).newPromise();
    Future<String> continuation = completedElsewhere.map(value -> value + " " + MDC.get("requestId"));
    MDC.clear();

    CompletableFuture.runAsync(() -> completedElsewhere.complete("done")); // a thread with no MDC

    assertThat(onLoop.join(WAIT)).as("on the loop").isEqualTo("r-loop");
    assertThat(continuation.join(WAIT)).as("in the continuation, completed by another thread")
        .isEqualTo("done r-loop");
  }

  @Test
  void anMdcValueSetBeforeABlockingCallIsSeenOnTheWorker() throws Exception {
    MDC.put("requestId", "r-worker");
    Future<String> onWorker = weft.runtime().blocking().call(() -> MDC.get("requestId"));
    assertThat(onWorker.join(WAIT)).isEqualTo("r-worker");
  }

  @Test
  void anMdcValueReachesAVirtualThread() throws Exception {
    assumeTrue(Adapters.virtualThreadsSupported(), "virtual threads need Java 21");
    BlockingAdapter virtual = Adapters.virtualThreads("tl-virtual").build(weft.runtime());
    try {
      MDC.put("requestId", "r-virtual");
      assertThat(virtual.call(() -> MDC.get("requestId")).join(WAIT)).isEqualTo("r-virtual");
    } finally {
      virtual.close();
    }
  }

  @Test
  void taskGroupChildrenSeeTheValueSetBeforeTheyWereForked() throws Exception {
    Future<List<String>> seen = weft.onLoop(() -> {
      MDC.put("requestId", "r-group"); // inside a loop task: undone when the task returns
      return TaskGroup.open(group -> {
        Future<String> onLoop = group.fork(() -> Future.succeeded("fork " + MDC.get("requestId")));
        // forked from a worker: relayed to the group's loop, with the worker's (propagated) value
        Future<String> relayed = group.forkBlocking(() -> "forkBlocking " + MDC.get("requestId"))
            .flatMap(value -> group.fork(() -> Future.succeeded(value + ", then fork " + MDC.get("requestId"))));
        Future<String> fromWorker = group.forkBlocking(() -> group.fork(() -> Future.succeeded(
            "fork from a worker " + MDC.get("requestId")))).flatMap(inner -> inner);
        return Future.all(List.of(onLoop, relayed, fromWorker));
      });
    });
    assertThat(seen.join(WAIT)).containsExactly("fork r-group", "forkBlocking r-group, then fork r-group",
        "fork from a worker r-group");
  }

  @Test
  void aValueNeverReachesAnUnrelatedTaskOnTheSameThread() throws Exception {
    BlockingAdapter single = weft.runtime().adapter("single"); // one thread: every call on it
    MDC.put("requestId", "r-first");
    Future<String> first = single.call(() -> {
      MDC.put("leaked", "set by the first call"); // and never removed by it
      return Thread.currentThread().getName();
    });
    MDC.clear();
    Future<String> second = single.call(() -> Thread.currentThread().getName() + " " + MDC.getCopyOfContextMap());

    String firstThread = first.join(WAIT);
    assertThat(second.join(WAIT)).as("the next call on the same thread")
        .startsWith(firstThread + " ").doesNotContain("r-first").doesNotContain("leaked");

    MDC.put("requestId", "r-loop-task");
    weft.loop(0).execute(() -> MDC.put("leaked", "set by a loop task"));
    MDC.clear();
    assertThat(weft.loop(0).schedule(Duration.ZERO, MDC::getCopyOfContextMap).join(WAIT))
        .as("the next task on that loop").isNullOrEmpty();
  }

  @Test
  void anOpenTelemetrySpanIsCurrentAfterEachHop() throws Exception {
    Span span = Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault()));
    Future<String> seen;
    Scope scope = span.makeCurrent();
    try {
      seen = weft.runtime().blocking().call(() -> Span.current().getSpanContext().getTraceId())
          .flatMap(onWorker -> weft.runtime().adapter("single").call(() ->
              onWorker + " " + Span.current().getSpanContext().getSpanId()))
          .map(both -> both + " " + Span.current().getSpanContext().getTraceId());
    } finally {
      scope.close();
    }
    assertThat(Span.current().getSpanContext().isValid()).as("the test thread's span, after its scope").isFalse();
    assertThat(seen.join(WAIT)).isEqualTo(TRACE_ID + " " + SPAN_ID + " " + TRACE_ID);
    assertThat(weft.runtime().adapter("single").call(() -> Span.current().getSpanContext().isValid()).join(WAIT))
        .as("a span on the worker after the hops ended").isFalse();
  }

  @Test
  void offNothingTravels() throws Exception {
    ThreadLocalPropagation.disable();
    MDC.put("requestId", "r-off");
    assertThat(weft.runtime().adapter("single").call(() -> MDC.get("requestId")).join(WAIT))
        .as("a worker's MDC with propagation off").isNull();
    assertThat(ThreadLocalPropagation.isEnabled()).isFalse();
  }
}
