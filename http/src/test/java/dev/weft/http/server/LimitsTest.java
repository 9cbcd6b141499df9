package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.Polling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The limits that protect a service: each answers with its status, before or instead of the handler. */
class LimitsTest {
  private static AsyncRuntime runtime;
  private static HttpClient client;
  private HttpServer server;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("limits").loops(2)
        .bulkhead(Adapters.boundedPool("narrow").maxThreads(1).maxQueue(0)).build();
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
  void requestsOverMaxConcurrentGet503WithRetryAfterBeforeTheHandlerRuns() throws Exception {
    AtomicInteger started = new AtomicInteger();
    Promise<Response> release = runtime.nextLoop().newPromise();
    server = HttpServer.builder(runtime)
        .route("GET", "/hold", request -> {
          started.incrementAndGet();
          return release;
        })
        .maxConcurrentRequests(2)
        .retryAfter(Duration.ofSeconds(7))
        .start("127.0.0.1", 0).join();
    CompletableFuture<HttpResponse<String>> first = get("/hold");
    CompletableFuture<HttpResponse<String>> second = get("/hold");
    Polling.await("both admitted requests are in their handler", Duration.ofSeconds(5), () -> started.get() == 2);

    HttpResponse<String> third = get("/hold").get(10, TimeUnit.SECONDS);

    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("retry-after")).hasValue("7");
    assertThat(started).as("handler calls").hasValue(2);
    assertThat(server.metrics().rejected()).isEqualTo(1);
    assertThat(server.metrics().inFlight()).isEqualTo(2);

    release.complete(Response.text("done"));

    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    Polling.await("no request in flight", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 0);
  }

  @Test
  void aTimedOutAsyncHandlerIsCancelledAndTheClientGets503() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    server = HttpServer.builder(runtime)
        .route("GET", "/never", request -> {
          Promise<Response> never = request.loop().newPromise();
          never.onCancel(cancelled::countDown);
          return never;
        })
        .requestTimeout(Duration.ofMillis(200))
        .start("127.0.0.1", 0).join();

    HttpResponse<String> response = get("/never").get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("timed out");
    assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the handler's future was cancelled").isTrue();
    assertThat(server.metrics().timedOut()).isEqualTo(1);
  }

  @Test
  void aTimedOutBlockingHandlerIsInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/stuck", request -> {
          try {
            new CountDownLatch(1).await(30, TimeUnit.SECONDS); // stands for a blocking call that hangs
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Response.text("too late");
        })
        .requestTimeout(Duration.ofMillis(200))
        .start("127.0.0.1", 0).join();

    HttpResponse<String> response = get("/stuck").get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the blocking call was interrupted").isTrue();
  }

  @Test
  void aSaturatedAdapterGives503WithRetryAfter() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/narrow", "narrow", request -> {
          holding.countDown();
          release.await(10, TimeUnit.SECONDS);
          return Response.text("done");
        })
        .start("127.0.0.1", 0).join();
    CompletableFuture<HttpResponse<String>> first = get("/narrow");
    assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> second = get("/narrow").get(10, TimeUnit.SECONDS);
    release.countDown();

    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("retry-after")).hasValue("1");
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aBodyThatDoesNotArriveWithinTheRequestTimeoutGets408() throws Exception {
    server = HttpServer.builder(runtime)
        .route("POST", "/upload", request -> Future.succeeded(Response.text("got it")))
        .requestTimeout(Duration.ofMillis(200))
        .start("127.0.0.1", 0).join();
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");

      RawHttpClient.RawResponse response = raw.readResponse();

      assertThat(response.status()).isEqualTo(408);
      assertThat(raw.closedByServerWithin(5_000)).isTrue();
    }
  }

  @Test
  void aSlowlorisThatTricklesHeadersIsClosedByTheIdleTimeout() throws Exception {
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello")))
        .idleTimeout(Duration.ofMillis(300))
        .start("127.0.0.1", 0).join();
    long start = System.nanoTime(); // before the connect, which starts the server's timer
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n");
      boolean closed = false;
      for (int i = 0; i < 50 && !closed; i++) { // one header byte every 50 ms, each well within the timeout
        try {
          raw.send("X");
        } catch (java.io.IOException reset) {
          closed = true;
          break;
        }
        closed = raw.closedByServerWithin(50);
      }
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(closed).as("closed while still trickling").isTrue();
      assertThat(elapsedMillis).isBetween(250L, 2_000L);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello")))
        .idleTimeout(Duration.ofMillis(300))
        .start("127.0.0.1", 0).join();
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(200);

      assertThat(raw.closedByServerWithin(3_000)).isTrue();
    }
    Polling.await("no connection open", Duration.ofSeconds(5), () -> server.metrics().openConnections() == 0);
  }

  @Test
  void aHandlerSlowerThanTheIdleTimeoutIsNotCutOff() throws Exception {
    server = HttpServer.builder(runtime)
        .route("GET", "/slow", request -> request.loop().delay(Duration.ofMillis(400)).map(x -> Response.text("slow")))
        .idleTimeout(Duration.ofMillis(150))
        .start("127.0.0.1", 0).join();

    HttpResponse<String> response = get("/slow").get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
  }
}
