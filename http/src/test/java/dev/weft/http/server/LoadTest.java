package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.testing.Polling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A short, bounded overload: 300 clients, each on its own connection, send requests back to back
 * for about 3 seconds to a 50 ms async handler behind a limit of 32 concurrent requests. The
 * invariant: every request gets 200 or 503 (load is shed, never dropped), no connection fails,
 * nothing leaks, and the server ends with nothing in flight.
 */
class LoadTest {
  private static final int CLIENTS = 300;
  private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static AsyncRuntime runtime;
  private static HttpServer server;

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("load").loops(2).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/work", request -> request.loop().delay(Duration.ofMillis(50)).map(ignored -> Response.text("ok")))
        .maxConcurrentRequests(32)
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  @Test
  void overloadIsShedWith503AndNoRequestIsDropped() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/work"))
        .timeout(Duration.ofSeconds(20)).build();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger overloadedWithoutRetryAfter = new AtomicInteger();
    long end = System.nanoTime() + RUN_NANOS;
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      clients.add(done);
      sendUntil(client, request, end, statuses, failures, overloadedWithoutRetryAfter, done);
    }
    Polling.await("most clients have a connection open at once", Duration.ofSeconds(5),
        () -> server.metrics().openConnections() >= 200);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(failures).as("requests that failed instead of getting a status").isEmpty();
    assertThat(statuses.keySet()).as("statuses seen").isSubsetOf(200, 503);
    assertThat(statuses.get(200).sum()).as("requests served").isPositive();
    assertThat(statuses.get(503).sum()).as("requests shed").isPositive();
    assertThat(overloadedWithoutRetryAfter).as("503s without Retry-After").hasValue(0);
    Polling.await("nothing in flight", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 0);
    HttpServerMetrics metrics = server.metrics();
    assertThat(metrics.responses2xx()).isEqualTo(statuses.get(200).sum());
    assertThat(metrics.rejected()).isEqualTo(statuses.get(503).sum());
    assertThat(metrics.aborted()).isZero();
  }

  private static void sendUntil(HttpClient client, HttpRequest request, long end, Map<Integer, LongAdder> statuses,
      ConcurrentLinkedQueue<Throwable> failures, AtomicInteger missingRetryAfter, CompletableFuture<Void> done) {
    if (System.nanoTime() - end > 0) {
      done.complete(null);
      return;
    }
    client.sendAsync(request, BodyHandlers.ofString()).whenComplete((response, failure) -> {
      if (failure != null) {
        failures.add(failure);
        done.complete(null);
        return;
      }
      statuses.computeIfAbsent(response.statusCode(), code -> new LongAdder()).increment();
      if (response.statusCode() == 503 && response.headers().firstValue("retry-after").isEmpty()) {
        missingRetryAfter.incrementAndGet();
      }
      sendUntil(client, request, end, statuses, failures, missingRetryAfter, done);
    });
  }
}
