package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Loop;
import dev.weft.blocking.Adapters;
import dev.weft.future.Future;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.LogCapture;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The basics through a real client (the JDK's HttpClient): routing, parameters, bodies, threads, errors. */
class ServerBasicsTest {
  private static AsyncRuntime runtime;
  private static HttpServer server;
  private static HttpClient client;
  private static final AtomicReference<String> handlerThread = new AtomicReference<>();
  private static final AtomicReference<Loop> handlerLoop = new AtomicReference<>();
  private static final AtomicReference<Loop> requestLoop = new AtomicReference<>();

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("basics").loops(2)
        .bulkhead(Adapters.boundedPool("db").maxThreads(2).maxQueue(4)).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello")))
        .route("GET", "/users/{id}", request -> Future.succeeded(Response.text("user " + request.pathParam("id"))))
        .route("GET", "/users/me", request -> Future.succeeded(Response.text("me")))
        .route("GET", "/users/{id}/orders/{order}", request -> Future.succeeded(
            Response.text(request.pathParam("id") + "|" + request.pathParam("order"))))
        .route("DELETE", "/users/{id}", request -> Future.succeeded(Response.status(204)))
        .route("GET", "/search", request -> Future.succeeded(Response.text(
            request.queryParams("tag") + "|" + request.queryParam("limit").orElse("none"))))
        .route("GET", "/header", request -> Future.succeeded(Response.text(request.header("X-TRACE-ID").orElse("none"))
            .withHeader("X-Reply", "yes")))
        .route("POST", "/echo", request -> Future.succeeded(Response.bytes(request.body(), "application/octet-stream")))
        .route("POST", "/echo-text", request -> Future.succeeded(Response.text(request.bodyAsString().toUpperCase())))
        .route("GET", "/where", request -> {
          handlerThread.set(Thread.currentThread().getName());
          handlerLoop.set(Loop.current());
          requestLoop.set(request.loop());
          return Future.succeeded(Response.text("here"));
        })
        .routeBlocking("GET", "/blocking", request -> {
          handlerThread.set(Thread.currentThread().getName());
          handlerLoop.set(Loop.current());
          return Response.text("blocked fine");
        })
        .routeBlocking("GET", "/db", "db", request -> Response.text(Thread.currentThread().getName()))
        .route("GET", "/deadline", request -> Future.succeeded(Response.text(
            Context.current().deadline().map(deadline -> "has deadline").orElse("no deadline"))))
        .route("GET", "/fail", request -> Future.failed(new IllegalStateException("secret internal detail")))
        .route("GET", "/throw", request -> {
          throw new IllegalStateException("secret thrown detail");
        })
        .routeBlocking("GET", "/blocking-throw", request -> {
          throw new java.io.IOException("secret blocking detail");
        })
        .route("GET", "/null", request -> null)
        .start("127.0.0.1", 0)
        .join();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void getAnswersWithTheHandlersTextAndFramingHeaders() throws Exception {
    HttpResponse<String> response = get("/hello");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("content-length")).hasValue("5");
    assertThat(response.headers().firstValue("date")).as("Date header").isPresent();
  }

  @Test
  void pathParametersArePercentDecoded() throws Exception {
    assertThat(get("/users/caf%C3%A9%2Fx/orders/7").body()).isEqualTo("café/x|7");
  }

  @Test
  void aLiteralSegmentWinsOverAParameter() throws Exception {
    assertThat(get("/users/me").body()).isEqualTo("me");
    assertThat(get("/users/42").body()).isEqualTo("user 42");
  }

  @Test
  void queryParametersAreDecodedWithEveryValue() throws Exception {
    assertThat(get("/search?tag=a&tag=b+c&tag=d%26e").body()).isEqualTo("[a, b c, d&e]|none");
    assertThat(get("/search?limit=5").body()).isEqualTo("[]|5");
  }

  @Test
  void requestHeadersAreCaseInsensitiveAndResponseHeadersAreSent() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/header")).header("x-trace-id", "abc").GET());

    assertThat(response.body()).isEqualTo("abc");
    assertThat(response.headers().firstValue("x-reply")).hasValue("yes");
  }

  @Test
  void aPostBodyReachesTheHandlerAsBytes() throws Exception {
    byte[] payload = new byte[100_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/echo"))
        .POST(BodyPublishers.ofByteArray(payload)).build(), BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(payload);
  }

  @Test
  void aPostBodyIsDecodedWithItsCharset() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/echo-text"))
        .header("Content-Type", "text/plain; charset=ISO-8859-1")
        .POST(BodyPublishers.ofString("grüße", StandardCharsets.ISO_8859_1)));

    assertThat(response.body()).isEqualTo("GRÜSSE");
  }

  @Test
  void anUnknownPathGets404() throws Exception {
    HttpResponse<String> response = get("/nowhere");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("Not Found\n");
  }

  @Test
  void aKnownPathWithAnotherMethodGets405WithAllow() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/users/42"))
        .method("PUT", BodyPublishers.noBody()));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("DELETE, GET, HEAD");
  }

  @Test
  void headRunsTheGetRouteAndSendsNoBody() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/hello"))
        .method("HEAD", BodyPublishers.noBody()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length")).hasValue("5");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void status204HasNoBodyAndNoContentLength() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/users/42")).DELETE());

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("content-length")).isEmpty();
  }

  @Test
  void anAsyncHandlerRunsOnTheLoopThatServesTheConnection() throws Exception {
    get("/where");

    assertThat(handlerLoop.get()).as("Loop.current() in the handler").isNotNull().isSameAs(requestLoop.get());
    assertThat(runtime.loops()).contains(handlerLoop.get());
    assertThat(handlerThread.get()).isEqualTo(handlerLoop.get().name());
  }

  @Test
  void aBlockingHandlerRunsOnTheDefaultAdapterNotOnALoop() throws Exception {
    HttpResponse<String> response = get("/blocking");

    assertThat(response.body()).isEqualTo("blocked fine");
    assertThat(handlerLoop.get()).as("Loop.current() in a blocking handler").isNull();
    assertThat(handlerThread.get()).contains("blocking");
  }

  @Test
  void aBlockingHandlerCanRunOnANamedBulkhead() throws Exception {
    assertThat(get("/db").body()).contains("db");
  }

  @Test
  void theHandlerSeesTheRequestDeadlineInItsContext() throws Exception {
    assertThat(get("/deadline").body()).isEqualTo("has deadline");
  }

  @Test
  void aFailedHandlerGives500WithoutDetailAndLogsTheStackAtError() throws Exception {
    try (LogCapture logs = new LogCapture("dev.weft.http.server")) {
      for (String path : new String[] {"/fail", "/throw", "/blocking-throw"}) {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).as(path).isEqualTo(500);
        assertThat(response.body()).as(path).isEqualTo("Internal Server Error\n").doesNotContain("secret");
      }
      assertThat(logs.at(Level.ERROR)).hasSize(3)
          .allSatisfy(event -> assertThat(event.getThrowableProxy()).as("logged with the exception").isNotNull());
    }
  }

  @Test
  void aHandlerThatReturnsNullGives500() throws Exception {
    assertThat(get("/null").statusCode()).isEqualTo(500);
  }

  @Test
  void theConnectionStaysUsableAfterA500() throws Exception {
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(500);

      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpClient.RawResponse second = raw.readResponse();

      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).isEqualTo("hello");
    }
  }

  @Test
  void portZeroPicksAFreePort() {
    HttpServer other = HttpServer.builder(runtime).start("127.0.0.1", 0).join();
    try {
      assertThat(other.port()).isPositive().isNotEqualTo(server.port());
    } finally {
      other.close();
    }
  }

  @Test
  void startFailsWithTheBindErrorWhenThePortIsTaken() {
    Future<HttpServer> second = HttpServer.builder(runtime).start("127.0.0.1", server.port());

    assertThatThrownBy(second::join).isInstanceOf(BindException.class);
  }
}
