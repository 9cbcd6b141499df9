package dev.weft.micrometer;

import dev.weft.metrics.Timing;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Binds one {@link Timing} of Weft's (an adapter's queue wait, a JDBC bridge's connection wait, a
 * route's latency) as Micrometer meters, the way Weft's binders do, for figures they do not bind:
 *
 * <pre>{@code
 * TimingMeters.bind(registry, "app.jdbc.connection.wait", "time calls waited for a connection",
 *     Tags.of("bridge", jdbc.name()), () -> jdbc.metrics().connectionWait());
 * }</pre>
 *
 * <p>A {@code FunctionTimer} named {@code name} (count and total since start, in the registry's
 * base time unit), and gauges named {@code name + ".recent"} in seconds, tagged
 * {@code stat=p50|p90|p99|max}, over the recent window. {@code timing} is read once per meter
 * per publication: make it cheap, or share one snapshot among the meters.
 */
public final class TimingMeters {
  private TimingMeters() {}

  /**
   * Registers the timer and the four gauges.
   *
   * @param registry the registry
   * @param name the timer's name, e.g. {@code weft.adapter.queue.wait}
   * @param description what is timed
   * @param tags the meters' tags
   * @param timing reads the current figures; any thread
   */
  public static void bind(MeterRegistry registry, String name, String description, Iterable<Tag> tags,
      Supplier<Timing> timing) {
    Objects.requireNonNull(timing, "timing");
    Tags all = Tags.of(tags);
    FunctionTimer.builder(name, timing, source -> source.get().count(), source -> source.get().total().toNanos(),
        TimeUnit.NANOSECONDS).description(description + ", since start").tags(all).register(registry);
    recent(registry, name, description, all.and("stat", "p50"), timing, Timing::recentP50);
    recent(registry, name, description, all.and("stat", "p90"), timing, Timing::recentP90);
    recent(registry, name, description, all.and("stat", "p99"), timing, Timing::recentP99);
    recent(registry, name, description, all.and("stat", "max"), timing, Timing::recentMax);
  }

  private static void recent(MeterRegistry registry, String name, String description, Tags tags,
      Supplier<Timing> timing, Function<Timing, Duration> value) {
    Gauge.builder(name + ".recent", timing, source -> value.apply(source.get()).toNanos() / 1e9)
        .description(description + ", over the last minute").baseUnit("seconds").tags(tags)
        .strongReference(true).register(registry); // strong: Micrometer holds state weakly
  }
}
