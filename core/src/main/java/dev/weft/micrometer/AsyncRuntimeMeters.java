package dev.weft.micrometer;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.internal.metrics.SnapshotCache;
import dev.weft.metrics.LoopMetrics;
import dev.weft.metrics.RuntimeMetrics;
import dev.weft.metrics.Timing;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Binds an {@link AsyncRuntime}'s metrics to a Micrometer registry:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * new AsyncRuntimeMeters(runtime).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter reads Weft's own counters ({@link AsyncRuntime#metrics()}) when the registry
 * publishes: counters are Micrometer {@code FunctionCounter}s, timings {@code FunctionTimer}s
 * (count and total since start, in the registry's base time unit: seconds for Prometheus), the
 * recent window's percentiles gauges tagged {@code stat=p50|p90|p99|max}; nothing is recorded
 * twice and the call paths pay nothing for the binding. Every meter carries the tag
 * {@code runtime} (the runtime's name) plus the tags below; docs/observability.md lists them all.
 *
 * <ul>
 *   <li>Loops ({@code loop} tag): {@code weft.loop.tasks} (counter), {@code weft.loop.lag}
 *       (timer: the watchdog's pings, their delay), {@code weft.loop.lag.recent} (gauges),
 *       {@code weft.loop.blocked} (timer: blocked incidents that ended, their duration),
 *       {@code weft.loop.blocked.incidents} (counter, open ones included).
 *   <li>Adapters and JDBC bridges ({@code adapter} tag): {@code weft.adapter.calls} (counter,
 *       tag {@code outcome=completed|failed|timed_out|cancelled|rejected}),
 *       {@code weft.adapter.active}, {@code weft.adapter.queued}, {@code weft.adapter.threads},
 *       {@code weft.adapter.max.concurrency}, {@code weft.adapter.max.queue} (gauges),
 *       {@code weft.adapter.queue.wait} and {@code weft.adapter.run.time} (timers), their
 *       {@code .recent} gauges. An adapter built with an adaptive limit also gets
 *       {@link LimitMeters}' {@code weft.limit.*} meters with the same tags.
 *   <li>{@code weft.unhandled.failures} (counter): failures handed to the unhandled-failure handler.
 * </ul>
 *
 * <p>The adapters bound are those the runtime has when {@link #bindTo} runs: bind after creating
 * bulkheads and JDBC bridges. Thread-safe; the registry may read from any thread.
 */
public final class AsyncRuntimeMeters implements MeterBinder {
  private final AsyncRuntime runtime;
  private final SnapshotCache<RuntimeMetrics> snapshot;

  /**
   * A binder for {@code runtime}'s metrics.
   *
   * @param runtime the runtime
   */
  public AsyncRuntimeMeters(AsyncRuntime runtime) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.snapshot = new SnapshotCache<>(runtime::metrics);
  }

  /**
   * Registers the meters; each reads the runtime's counters when the registry publishes.
   *
   * @param registry the registry
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    RuntimeMetrics now = runtime.metrics(); // not the cache: the first publication must not see this one
    Tags runtimeTags = Tags.of("runtime", runtime.name());
    for (int index = 0; index < now.loops().size(); index++) {
      int loop = index;
      bindLoop(registry, runtimeTags.and("loop", now.loops().get(loop).name()), metrics -> metrics.loops().get(loop));
    }
    for (AdapterStats adapter : now.adapters()) {
      String name = adapter.name();
      bindAdapter(registry, runtimeTags.and("adapter", name), metrics -> adapterNamed(metrics, name));
      BlockingAdapter bound = runtime.adapter(name);
      LimitMeters.bind(registry, runtimeTags.and("adapter", name), bound::limitStats); // if it has an adaptive limit
    }
    FunctionCounter.builder("weft.unhandled.failures", snapshot, cache -> cache.get().unhandledFailures())
        .description("failures handed to the runtime's unhandled-failure handler").tags(runtimeTags)
        .register(registry);
  }

  private void bindLoop(MeterRegistry registry, Tags tags, Function<RuntimeMetrics, LoopMetrics> loop) {
    counter(registry, "weft.loop.tasks", "tasks the loop has run", tags, metrics -> loop.apply(metrics).tasksRun());
    counter(registry, "weft.loop.blocked.incidents", "times the loop stayed busy past the blocked threshold", tags,
        metrics -> loop.apply(metrics).blockedIncidents());
    timing(registry, "weft.loop.lag", "delay between posting a watchdog ping and the loop running it", tags,
        metrics -> loop.apply(metrics).lag());
    timing(registry, "weft.loop.blocked", "blocked-loop incidents that ended, by duration", tags,
        metrics -> loop.apply(metrics).blocked());
  }

  private void bindAdapter(MeterRegistry registry, Tags tags, Function<RuntimeMetrics, AdapterStats> adapter) {
    String calls = "calls of the adapter, by outcome";
    counter(registry, "weft.adapter.calls", calls, tags.and("outcome", "completed"),
        metrics -> adapter.apply(metrics).completed());
    counter(registry, "weft.adapter.calls", calls, tags.and("outcome", "failed"),
        metrics -> adapter.apply(metrics).failed());
    counter(registry, "weft.adapter.calls", calls, tags.and("outcome", "timed_out"),
        metrics -> adapter.apply(metrics).timedOut());
    counter(registry, "weft.adapter.calls", calls, tags.and("outcome", "cancelled"),
        metrics -> adapter.apply(metrics).cancelled());
    counter(registry, "weft.adapter.calls", calls, tags.and("outcome", "rejected"),
        metrics -> adapter.apply(metrics).rejected());
    gauge(registry, "weft.adapter.active", "calls running now", tags, metrics -> adapter.apply(metrics).active());
    gauge(registry, "weft.adapter.queued", "calls waiting now", tags, metrics -> adapter.apply(metrics).queued());
    gauge(registry, "weft.adapter.threads", "the adapter's live threads", tags,
        metrics -> adapter.apply(metrics).threads());
    gauge(registry, "weft.adapter.max.concurrency", "the most calls that may run at once", tags,
        metrics -> adapter.apply(metrics).maxConcurrency());
    gauge(registry, "weft.adapter.max.queue", "the most calls that may wait", tags,
        metrics -> adapter.apply(metrics).maxQueue());
    timing(registry, "weft.adapter.queue.wait", "time calls waited before they started", tags,
        metrics -> adapter.apply(metrics).queueWait());
    timing(registry, "weft.adapter.run.time", "time calls ran", tags, metrics -> adapter.apply(metrics).runTime());
  }

  private static AdapterStats adapterNamed(RuntimeMetrics metrics, String name) {
    for (AdapterStats adapter : metrics.adapters()) {
      if (adapter.name().equals(name)) {
        return adapter;
      }
    }
    throw new IllegalStateException("adapter '" + name + "' is gone from runtime '" + metrics.runtimeName() + "'");
  }

  private void counter(MeterRegistry registry, String name, String description, Tags tags,
      ToDoubleFunction<RuntimeMetrics> value) {
    FunctionCounter.builder(name, snapshot, cache -> value.applyAsDouble(cache.get()))
        .description(description).tags(tags).register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, Tags tags,
      ToDoubleFunction<RuntimeMetrics> value) {
    Gauge.builder(name, snapshot, cache -> value.applyAsDouble(cache.get()))
        .description(description).tags(tags).strongReference(true).register(registry);
  }

  private void timing(MeterRegistry registry, String name, String description, Tags tags,
      Function<RuntimeMetrics, Timing> timing) {
    TimingMeters.bind(registry, name, description, tags, () -> timing.apply(snapshot.get()));
  }
}
