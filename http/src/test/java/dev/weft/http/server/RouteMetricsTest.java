package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.http.client.HttpClientMetrics;
import dev.weft.http.micrometer.HttpClientMeters;
import dev.weft.metrics.Timing;
import dev.weft.testing.Polling;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-route server metrics (by the route's template, never the raw path) and the client's per-origin timing. */
class RouteMetricsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private AsyncRuntime runtime;
  private HttpServer server;

  @BeforeEach
  void start() {
    runtime = AsyncRuntime.builder().name("route-metrics").loops(1).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/users/{id}", request -> Future.succeeded(Response.text("user " + request.pathParam("id"))))
        .route("POST", "/users", request -> Future.succeeded(Response.status(400)))
        .route("GET", "/fail", request -> Future.failed(new IllegalStateException("expected by the test")))
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterEach
  void stop() {
    server.close();
    runtime.close();
  }

  @Test
  void responsesAreCountedPerRouteTemplateAndStatusClass() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    for (String path : new String[] {"/users/1", "/users/2", "/users/3", "/fail", "/missing"}) {
      client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
          BodyHandlers.discarding());
    }
    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/users"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), BodyHandlers.discarding());
    // a response is counted once its last byte is written, which may be just after the client read it
    Polling.await("6 responses counted, 5 of them by routes", TIMEOUT, () -> server.metrics().responses() == 6
        && server.metrics().routes().stream().mapToLong(HttpServerMetrics.Route::responses).sum() == 5);

    HttpServerMetrics metrics = server.metrics();
    assertThat(metrics.routes()).as("one entry per declared route, in order")
        .extracting(route -> route.method() + " " + route.template())
        .containsExactly("GET /users/{id}", "POST /users", "GET /fail");
    HttpServerMetrics.Route users = metrics.route("GET", "/users/{id}").orElseThrow();
    assertThat(users.responses2xx()).as("2xx of GET /users/{id}").isEqualTo(3);
    assertThat(users.responses()).as("all of GET /users/{id}").isEqualTo(3);
    assertThat(users.latency().count()).as("latencies of GET /users/{id}").isEqualTo(3);
    assertThat(metrics.route("POST", "/users").orElseThrow().responses4xx()).as("4xx of POST /users").isEqualTo(1);
    assertThat(metrics.route("GET", "/fail").orElseThrow().responses5xx()).as("5xx of GET /fail").isEqualTo(1);
    assertThat(metrics.responses4xx()).as("4xx in total: the POST and the unrouted 404").isEqualTo(2);
    assertThat(metrics.latency().count()).as("latencies in total").isEqualTo(6);
    assertThat(metrics.latency().total()).as("summed latency").isPositive()
        .isGreaterThanOrEqualTo(metrics.latency().recentMax());
  }

  @Test
  void theClientTimesEachOriginWithCountsAndSums() throws Exception {
    try (dev.weft.http.client.HttpClient client = dev.weft.http.client.HttpClient.builder(runtime).build()) {
      String origin = "http://127.0.0.1:" + server.port();
      for (int i = 0; i < 4; i++) {
        client.get(origin + "/users/" + i).join(TIMEOUT);
      }

      HttpClientMetrics.Origin metrics = client.metrics().origin(origin).orElseThrow();
      Timing latency = metrics.latency();
      assertThat(latency.count()).as("responses timed").isEqualTo(4).isEqualTo(metrics.requests());
      assertThat(latency.recentCount()).as("responses of the last minute").isEqualTo(4);
      assertThat(latency.total()).as("summed latency").isGreaterThanOrEqualTo(latency.recentMax());
      assertThat(metrics.latencyP99()).as("latencyP99 is the recent window's").isEqualTo(latency.recentP99());

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new HttpClientMeters(client, "users", List.of(origin, "http://unused.example:80")).bindTo(registry);
      assertThat(registry.get("weft.http.client.requests").tags("client", "users", "origin", origin).functionTimer()
          .count()).as("requests timer count").isEqualTo(4);
      assertThat(registry.get("weft.http.client.connections.opened").tags("origin", origin).functionCounter().count())
          .as("connections opened (no request since the snapshot)").isEqualTo(metrics.connectionsOpened()).isPositive();
      assertThat(registry.get("weft.http.client.requests").tags("origin", "http://unused.example:80")
          .functionTimer().count()).as("an origin not used yet reads as zero").isZero();
    }
  }
}
