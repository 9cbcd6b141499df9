package dev.weft.micrometer;

import dev.weft.limit.LimitStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds what an adaptive limit decided ({@link LimitStats}) as Micrometer meters. Weft's binders
 * call it for every adapter and HTTP server built with an adaptive limit; for a JDBC bridge, or
 * anything else that offers {@code limitStats()}, bind it yourself:
 *
 * <pre>{@code
 * LimitMeters.bind(registry, Tags.of("limit", "orders-db"), jdbc::limitStats);
 * }</pre>
 *
 * <p>Gauges {@code weft.limit.current}, {@code weft.limit.floor}, {@code weft.limit.ceiling},
 * {@code weft.limit.in.flight}, {@code weft.limit.waiting}, {@code weft.limit.no.load.latency} and
 * {@code weft.limit.latency} (seconds), and the counter {@code weft.limit.changes} tagged
 * {@code direction=increase|decrease}. A source whose limit is fixed (an empty {@code Optional})
 * registers nothing.
 */
public final class LimitMeters {
  private LimitMeters() {}

  /**
   * Registers the limit's meters if {@code stats} has a limit now.
   *
   * @param registry the registry
   * @param tags the meters' tags, naming what the limit gates
   * @param stats reads the limit's figures; any thread, cheap (it is read once per meter per publication)
   * @return true if meters were registered, false if the source has no adaptive limit
   */
  public static boolean bind(MeterRegistry registry, Iterable<Tag> tags, Supplier<Optional<LimitStats>> stats) {
    Objects.requireNonNull(stats, "stats");
    if (stats.get().isEmpty()) {
      return false;
    }
    Tags all = Tags.of(tags);
    gauge(registry, "weft.limit.current", "calls the adaptive limit lets run at once now", all, stats,
        LimitStats::limit);
    gauge(registry, "weft.limit.floor", "the lowest the adaptive limit goes", all, stats, LimitStats::floor);
    gauge(registry, "weft.limit.ceiling", "the highest the adaptive limit goes", all, stats, LimitStats::ceiling);
    gauge(registry, "weft.limit.in.flight", "calls holding a permit of the limit now", all, stats,
        LimitStats::inFlight);
    gauge(registry, "weft.limit.waiting", "calls waiting for a permit of the limit now", all, stats,
        LimitStats::waiting);
    seconds(registry, "weft.limit.no.load.latency", "the measured latency of a call when nothing queues", all, stats,
        limit -> limit.noLoadLatency().toNanos() / 1e9);
    seconds(registry, "weft.limit.latency", "the mean latency of the last measurement window", all, stats,
        limit -> limit.latency().toNanos() / 1e9);
    FunctionCounter.builder("weft.limit.changes", stats, source -> read(source, LimitStats::increases))
        .description("times the adaptive limit moved").tags(all.and("direction", "increase")).register(registry);
    FunctionCounter.builder("weft.limit.changes", stats, source -> read(source, LimitStats::decreases))
        .description("times the adaptive limit moved").tags(all.and("direction", "decrease")).register(registry);
    return true;
  }

  private static void gauge(MeterRegistry registry, String name, String description, Tags tags,
      Supplier<Optional<LimitStats>> stats, ToDoubleFunction<LimitStats> value) {
    Gauge.builder(name, stats, source -> read(source, value)).description(description).tags(tags)
        .strongReference(true).register(registry); // strong: Micrometer holds state weakly, and nobody keeps a binder
  }

  private static void seconds(MeterRegistry registry, String name, String description, Tags tags,
      Supplier<Optional<LimitStats>> stats, ToDoubleFunction<LimitStats> value) {
    Gauge.builder(name, stats, source -> read(source, value)).description(description).baseUnit("seconds")
        .tags(tags).strongReference(true).register(registry);
  }

  /** NaN once the source has no limit any more (Micrometer's convention for "no value"). */
  private static double read(Supplier<Optional<LimitStats>> source, ToDoubleFunction<LimitStats> value) {
    Optional<LimitStats> now = source.get();
    return now.isPresent() ? value.applyAsDouble(now.get()) : Double.NaN;
  }
}
