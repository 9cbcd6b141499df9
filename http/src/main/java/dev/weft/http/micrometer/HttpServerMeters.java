package dev.weft.http.micrometer;

import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerMetrics;
import dev.weft.internal.metrics.SnapshotCache;
import dev.weft.metrics.Timing;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import dev.weft.micrometer.LimitMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds an {@link HttpServer}'s metrics to a Micrometer registry:
 *
 * <pre>{@code
 * new HttpServerMeters(server, "api").bindTo(registry);
 * }</pre>
 *
 * <p>Every meter reads the server's own counters ({@link HttpServer#metrics()}) when the registry
 * publishes; nothing is recorded twice. Every meter is tagged {@code server} (the name given here);
 * per route, {@code method} and {@code route} (the declared template, e.g. {@code /users/{id}}, so
 * the tag's values are bounded); responses that matched no route (404, 405, refused before routing)
 * are tagged {@code method=*}, {@code route=unrouted}, so summing over routes gives the server's totals.
 *
 * <ul>
 *   <li>{@code weft.http.server.requests} (timer, per route): responses written and the time from
 *       the request's headers to the response's last byte, since start;
 *       {@code weft.http.server.requests.recent} (gauges, {@code stat=p50|p90|p99|max}): that time
 *       over the last minute, all routes together.
 *   <li>{@code weft.http.server.responses} (counter, per route, {@code status=2xx|3xx|4xx|5xx}).
 *   <li>{@code weft.http.server.aborted}, {@code .rejected}, {@code .timed.out},
 *       {@code .send.timed.out}, {@code .connections.refused} (counters), and
 *       {@code weft.http.server.in.flight}, {@code weft.http.server.connections} (gauges), as
 *       {@link HttpServerMetrics} describes them.
 *   <li>With {@code adaptiveConcurrency}: {@link LimitMeters}' {@code weft.limit.*} meters, tagged
 *       {@code server}.
 * </ul>
 *
 * <p>Thread-safe; the registry may read from any thread.
 */
public final class HttpServerMeters implements MeterBinder {
  private static final String UNROUTED = "unrouted";

  private final HttpServer server;
  private final String name;
  private final SnapshotCache<HttpServerMetrics> snapshot;

  /**
   * A binder for {@code server}'s metrics.
   *
   * @param server the server
   * @param name the value of the {@code server} tag, e.g. {@code api}
   */
  public HttpServerMeters(HttpServer server, String name) {
    this.server = Objects.requireNonNull(server, "server");
    this.name = Objects.requireNonNull(name, "name");
    this.snapshot = new SnapshotCache<>(server::metrics);
  }

  /**
   * Registers the meters; each reads the server's counters when the registry publishes.
   *
   * @param registry the registry
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Tags serverTag = Tags.of("server", name);
    List<HttpServerMetrics.Route> routes = server.metrics().routes(); // not the cache: see AsyncRuntimeMeters
    for (int index = 0; index < routes.size(); index++) {
      int route = index;
      Tags tags = serverTag.and("method", routes.get(route).method()).and("route", routes.get(route).template());
      requests(registry, tags, metrics -> metrics.routes().get(route).latency());
      responses(registry, tags, metrics -> classes(metrics.routes().get(route)));
    }
    Tags unrouted = serverTag.and("method", "*").and("route", UNROUTED);
    requests(registry, unrouted, HttpServerMeters::unroutedLatency);
    responses(registry, unrouted, metrics -> {
      long[] unroutedClasses = classes(metrics);
      for (HttpServerMetrics.Route route : metrics.routes()) {
        long[] routeClasses = classes(route);
        for (int i = 0; i < unroutedClasses.length; i++) {
          unroutedClasses[i] -= routeClasses[i];
        }
      }
      return unroutedClasses;
    });
    recent(registry, serverTag.and("stat", "p50"), Timing::recentP50);
    recent(registry, serverTag.and("stat", "p90"), Timing::recentP90);
    recent(registry, serverTag.and("stat", "p99"), Timing::recentP99);
    recent(registry, serverTag.and("stat", "max"), Timing::recentMax);
    counter(registry, "weft.http.server.aborted", "requests whose connection closed before their response was written",
        serverTag, HttpServerMetrics::aborted);
    counter(registry, "weft.http.server.rejected", "requests refused with 503 because the server was saturated",
        serverTag, HttpServerMetrics::rejected);
    counter(registry, "weft.http.server.timed.out", "requests that passed the request timeout", serverTag,
        HttpServerMetrics::timedOut);
    counter(registry, "weft.http.server.send.timed.out", "responses cut off because no byte moved for sendTimeout",
        serverTag, HttpServerMetrics::sendTimedOut);
    counter(registry, "weft.http.server.connections.refused", "connections closed at once: maxConnections were open",
        serverTag, HttpServerMetrics::refusedConnections);
    Gauge.builder("weft.http.server.in.flight", snapshot, cache -> cache.get().inFlight())
        .description("requests admitted and not yet answered").tags(serverTag).strongReference(true).register(registry);
    Gauge.builder("weft.http.server.connections", snapshot, cache -> cache.get().openConnections())
        .description("connections open now").tags(serverTag).strongReference(true).register(registry);
    LimitMeters.bind(registry, serverTag, server::limitStats); // with adaptiveConcurrency only
  }

  private void requests(MeterRegistry registry, Tags tags, Function<HttpServerMetrics, Timing> latency) {
    ToLongFunction<SnapshotCache<HttpServerMetrics>> count = cache -> latency.apply(cache.get()).count();
    ToDoubleFunction<SnapshotCache<HttpServerMetrics>> total = cache -> latency.apply(cache.get()).total().toNanos();
    FunctionTimer.builder("weft.http.server.requests", snapshot, count, total, TimeUnit.NANOSECONDS)
        .description("responses written, and the time from the request's headers to the response's last byte")
        .tags(tags).register(registry);
  }

  private void responses(MeterRegistry registry, Tags tags, Function<HttpServerMetrics, long[]> byClass) {
    for (int statusClass = 0; statusClass < 4; statusClass++) {
      int index = statusClass;
      FunctionCounter.builder("weft.http.server.responses", snapshot, cache -> byClass.apply(cache.get())[index])
          .description("responses written, by status class").tags(tags.and("status", (index + 2) + "xx"))
          .register(registry);
    }
  }

  private void recent(MeterRegistry registry, Tags tags, Function<Timing, Duration> value) {
    Gauge.builder("weft.http.server.requests.recent", snapshot,
            cache -> value.apply(cache.get().latency()).toNanos() / 1e9)
        .description("time from a request's headers to its response's last byte, over the last minute, all routes")
        .baseUnit("seconds").tags(tags).strongReference(true).register(registry);
  }

  private void counter(MeterRegistry registry, String meter, String description, Tags tags,
      ToDoubleFunction<HttpServerMetrics> value) {
    FunctionCounter.builder(meter, snapshot, cache -> value.applyAsDouble(cache.get()))
        .description(description).tags(tags).register(registry);
  }

  private static long[] classes(HttpServerMetrics metrics) {
    return new long[] {metrics.responses2xx(), metrics.responses3xx(), metrics.responses4xx(), metrics.responses5xx()};
  }

  private static long[] classes(HttpServerMetrics.Route route) {
    return new long[] {route.responses2xx(), route.responses3xx(), route.responses4xx(), route.responses5xx()};
  }

  /** The responses no route served: the totals less every route's. */
  private static Timing unroutedLatency(HttpServerMetrics metrics) {
    long count = metrics.latency().count();
    Duration total = metrics.latency().total();
    for (HttpServerMetrics.Route route : metrics.routes()) {
      count -= route.latency().count();
      total = total.minus(route.latency().total());
    }
    return new Timing(count, total, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }
}
