package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Promise;
import dev.weft.http.micrometer.HttpServerMeters;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import dev.weft.testing.LimitUnderLoad;
import dev.weft.testing.Polling;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's admission under an adaptive limit: 503 beyond it, and a limit that finds the backend's capacity. */
class AdaptiveConcurrencyTest {
  private static AsyncRuntime runtime;
  private static HttpClient client;
  private HttpServer server;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("adaptive-http").loops(2).build();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.shutdown(Duration.ZERO).join();
    }
  }

  private CompletableFuture<HttpResponse<String>> get(String path) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  @Test
  void theLimitIsExportedThroughMicrometerWithTheServersMeters() {
    server = HttpServer.builder(runtime)
        .route("GET", "/ok", request -> dev.weft.future.Future.succeeded(Response.text("ok")))
        .maxConcurrentRequests(50)
        .adaptiveConcurrency(AdaptiveLimit.vegas().floor(3))
        .start("127.0.0.1", 0).join();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new HttpServerMeters(server, "api").bindTo(registry);

    assertThat(registry.get("weft.limit.current").tags("server", "api").gauge().value()).as("the limit now")
        .isEqualTo(server.limitStats().orElseThrow().limit());
    assertThat(registry.get("weft.limit.floor").tags("server", "api").gauge().value()).isEqualTo(3);
    assertThat(registry.get("weft.limit.ceiling").tags("server", "api").gauge().value())
        .as("the ceiling is maxConcurrentRequests").isEqualTo(50);
  }

  @Test
  void requestsBeyondTheCurrentLimitGet503AndThePermitsComeBack() throws Exception {
    AtomicInteger started = new AtomicInteger();
    Promise<Response> release = runtime.nextLoop().newPromise();
    server = HttpServer.builder(runtime)
        .route("GET", "/hold", request -> {
          started.incrementAndGet();
          return release;
        })
        .maxConcurrentRequests(100)
        .adaptiveConcurrency(AdaptiveLimit.vegas())
        .start("127.0.0.1", 0).join();
    assertThat(server.limitStats()).map(LimitStats::limit).as("the starting limit").hasValue(4);
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(get("/hold"));
    }
    Polling.await("4 requests in their handler", Duration.ofSeconds(5), () -> started.get() == 4);

    HttpResponse<String> fifth = get("/hold").get(10, TimeUnit.SECONDS);

    assertThat(fifth.statusCode()).as("beyond the adaptive limit, far below maxConcurrentRequests").isEqualTo(503);
    assertThat(fifth.headers().firstValue("retry-after")).isPresent();
    assertThat(started).as("handler calls").hasValue(4);
    assertThat(server.metrics().rejected()).isEqualTo(1);
    assertThat(server.limitStats().orElseThrow().inFlight()).isEqualTo(4);
    release.complete(Response.text("done"));
    for (CompletableFuture<HttpResponse<String>> response : held) {
      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    Polling.await("no adaptive permit held", Duration.ofSeconds(5),
        () -> server.limitStats().orElseThrow().inFlight() == 0 && server.metrics().inFlight() == 0,
        () -> server.limitStats());
  }

  @Test
  void theLimitSettlesNearTheCapacityOfABlockingBackend() throws Exception {
    Semaphore capacity = new Semaphore(4);
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/work", request -> {
          capacity.acquire();
          try {
            Thread.sleep(20);
          } finally {
            capacity.release();
          }
          return Response.text("ok");
        })
        .maxConcurrentRequests(64)
        .adaptiveConcurrency(AdaptiveLimit.vegas().window(Duration.ofMillis(50)))
        .start("127.0.0.1", 0).join();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    // 12 callers in a closed loop, 3x the capacity
    LimitUnderLoad.Result run = LimitUnderLoad.run("adaptive-http", 12, () -> {
      int status = get("/work").get(10, TimeUnit.SECONDS).statusCode();
      (status == 200 ? ok : refused).incrementAndGet();
      return status;
    }, server::limitStats);
    LimitStats during = run.during();
    assertThat(run.failures()).as("requests that failed").isEmpty();
    assertThat(run.medianLimit()).as("median limit over 2 s of 4 against capacity 4 (ceiling 64; "
        + "HTTP on a shared machine is noisy); now %s", during).isBetween(3, 12);
    assertThat(during.noLoadLatency()).as("no-load latency of a 20 ms backend: %s", during)
        .isBetween(Duration.ofMillis(20), Duration.ofMillis(60));
    assertThat(ok.get()).as("requests served").isGreaterThan(100);
    assertThat(refused.get()).as("requests refused: the excess load").isPositive();
    Polling.await("no adaptive permit held", Duration.ofSeconds(5),
        () -> server.limitStats().orElseThrow().inFlight() == 0, () -> server.limitStats());
  }

  @Test
  void aCeilingAboveMaxConcurrentRequestsIsRefused() {
    assertThatThrownBy(() -> HttpServer.builder(runtime).maxConcurrentRequests(10)
        .adaptiveConcurrency(AdaptiveLimit.vegas().ceiling(11)).start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ceiling (11) must not exceed maxConcurrentRequests (10)");
  }

  @Test
  void aServerWithoutOneHasNoLimitStats() {
    server = HttpServer.builder(runtime).route("GET", "/", request -> null).start("127.0.0.1", 0).join();
    assertThat(server.limitStats()).isEmpty();
  }
}
