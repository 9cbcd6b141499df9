package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** server.metrics(): responses by status class, latency percentiles, gauges. */
class MetricsTest {
  private static AsyncRuntime runtime;
  private static HttpServer server;

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("metrics").loops(1).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/ok", request -> request.loop().delay(Duration.ofMillis(20)).map(x -> Response.text("ok")))
        .route("GET", "/moved", request -> Future.succeeded(Response.status(301).withHeader("Location", "/ok")))
        .route("GET", "/fail", request -> Future.failed(new IllegalStateException("expected by the test")))
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  @Test
  void responsesAreCountedByStatusClassWithLatencyPercentiles() throws Exception {
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    for (String path : new String[] {"/ok", "/ok", "/ok", "/moved", "/missing", "/missing", "/fail"}) {
      client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
          BodyHandlers.discarding());
    }

    // the server counts a response once its last byte is written, which may be just after the
    // client has read it: wait (bounded) for the count to catch up
    HttpServerMetrics metrics = server.metrics();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while ((metrics.responses() < 7 || metrics.inFlight() != 0) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      metrics = server.metrics();
    }

    assertThat(metrics.responses2xx()).isEqualTo(3);
    assertThat(metrics.responses3xx()).isEqualTo(1);
    assertThat(metrics.responses4xx()).isEqualTo(2);
    assertThat(metrics.responses5xx()).isEqualTo(1);
    assertThat(metrics.responses()).isEqualTo(7);
    assertThat(metrics.inFlight()).isZero();
    assertThat(metrics.openConnections()).isEqualTo(1);
    assertThat(metrics.latencyMax()).isGreaterThanOrEqualTo(Duration.ofMillis(20));
    assertThat(metrics.latencyP50()).isLessThanOrEqualTo(metrics.latencyP90());
    assertThat(metrics.latencyP90()).isLessThanOrEqualTo(metrics.latencyP99());
    assertThat(metrics.latencyP99()).isLessThanOrEqualTo(metrics.latencyMax());
  }
}
