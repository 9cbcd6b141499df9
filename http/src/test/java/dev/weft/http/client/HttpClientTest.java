package dev.weft.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.testing.BodyCollector;
import dev.weft.http.testing.GeneratedBytes;
import dev.weft.http.testing.ScriptedServer;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.LogCapture;
import dev.weft.testing.Polling;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against Weft's own server, and against scripted sockets for what no good server does. */
class HttpClientTest {
  private static AsyncRuntime runtime;
  private static HttpServer server;
  private static final List<dev.weft.future.Promise<Response>> hanging = new ArrayList<>();

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("client").loops(2).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", r -> Future.succeeded(Response.text("hello")))
        .route("POST", "/echo", r -> Future.succeeded(Response.bytes(r.body(), "application/octet-stream")))
        .route("PUT", "/echo", r -> Future.succeeded(Response.bytes(r.body(), "application/octet-stream")))
        .route("GET", "/hang", r -> {
          dev.weft.future.Promise<Response> never = r.loop().newPromise();
          synchronized (hanging) {
            hanging.add(never);
          }
          return never;
        })
        .route("GET", "/big", r -> Future.succeeded(
            Response.bytes(new byte[Integer.parseInt(r.queryParam("n").orElseThrow())], "application/octet-stream")))
        .route("GET", "/stream", r -> Future.succeeded(Response.stream(TestPublishers.generated(
            Long.parseLong(r.queryParam("n").orElseThrow()), 16 * 1024, new AtomicLong(), new AtomicBoolean()),
            "application/octet-stream")))
        .route("POST", "/see-other", r -> Future.succeeded(Response.status(303).withHeader("Location", "/hello")))
        .maxBodySize(16 * 1024 * 1024)
        .start("127.0.0.1", 0).join();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static HttpClientMetrics.Origin origin(HttpClient client) {
    return client.metrics().origins().get(0);
  }

  @Test
  void aResponseCompletesOnTheCallersLoop() throws Exception {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      Loop caller = runtime.loops().get(1);
      CompletableFuture<Loop> completedOn = new CompletableFuture<>();
      caller.execute(() -> client.get(uri("/hello")).onComplete((r, e) -> completedOn.complete(Loop.current())));
      assertThat(completedOn.get(10, TimeUnit.SECONDS)).isSameAs(caller);
      Future<HttpResponse> offLoop = client.get(uri("/hello"));
      assertThat(runtime.loops()).contains(offLoop.home());
      HttpResponse response = offLoop.join();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(response.bodyAsString()).isEqualTo("hello");
      assertThat(response.uri()).isEqualTo(uri("/hello"));
      HttpClientMetrics.Origin numbers = origin(client);
      assertThat(numbers.requests()).isEqualTo(2);
      assertThat(numbers.latencyP50()).isPositive().isLessThanOrEqualTo(numbers.latencyMax());
      assertThat(numbers.idleConnections()).isEqualTo(1);
    }
  }

  @Test
  void requestBodiesFromBytesAndPublishers() {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      byte[] bytes = "ping".getBytes(StandardCharsets.UTF_8);
      assertThat(client.send(HttpRequest.post(uri("/echo"), bytes, "text/plain")).join().body()).isEqualTo(bytes);
      long size = 3L * 1024 * 1024 + 17;
      for (long declared : new long[] {size, -1}) {
        AtomicLong emitted = new AtomicLong();
        HttpRequest streamed = HttpRequest.builder("PUT", uri("/echo"))
            .body(TestPublishers.generated(size, 8 * 1024, emitted, new AtomicBoolean()), declared,
                "application/octet-stream")
            .build();
        HttpResponse echoed = client.send(streamed).join();
        assertThat(echoed.body()).hasSize((int) size);
        CRC32 crc = new CRC32();
        crc.update(echoed.bodyBuffer());
        assertThat(crc.getValue()).as("declared length " + declared).isEqualTo(GeneratedBytes.crcOf(size));
      }
      assertThat(origin(client).connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void aFailingBodyPublisherFailsTheRequestWithItsOwnError() {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      IllegalStateException broken = new IllegalStateException("disk gone");
      HttpRequest request = HttpRequest.builder("PUT", uri("/echo"))
          .body(TestPublishers.failing(broken), 1000, "application/octet-stream").build();
      assertThatThrownBy(() -> client.send(request).join()).isSameAs(broken);
      assertThat(client.get(uri("/hello")).join().status()).isEqualTo(200);
      assertThat(origin(client).connectionsOpened()).isEqualTo(2); // the half-sent one was closed
    }
  }

  @Test
  void aFullOriginRejectsAtOnceNamingItsNumbers() {
    try (HttpClient client = HttpClient.builder(runtime).maxConnectionsPerOrigin(2).maxPendingRequests(3).build()) {
      List<Future<HttpResponse>> admitted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        admitted.add(client.get(uri("/hang")));
      }
      Polling.await("two busy connections and three waiting", Duration.ofSeconds(10),
          () -> origin(client).activeConnections() == 2
          && origin(client).pendingRequests() == 3);
      try (LogCapture log = new LogCapture("dev.weft.http.client")) {
        assertThatThrownBy(() -> client.get(uri("/hang")).join(Duration.ZERO))
            .isInstanceOf(RejectedException.class)
            .hasMessageContaining("http://127.0.0.1:" + server.port())
            .hasMessageContaining("2 of 2 connections busy (maxConnectionsPerOrigin)")
            .hasMessageContaining("3 of 3 requests waiting (maxPendingRequests)");
        assertThatThrownBy(() -> client.get(uri("/hang")).join(Duration.ZERO)).isInstanceOf(RejectedException.class);
        assertThat(log.warnings()).as("one WARN for the operator, not one per refusal").hasSize(1);
        assertThat(log.warnings().get(0)).contains("is saturated", "maxPendingRequests");
      }
      assertThat(origin(client).rejected()).isEqualTo(2);
      admitted.forEach(Future::cancel);
      Polling.await("cancelled requests to free everything", Duration.ofSeconds(10),
          () -> origin(client).activeConnections() == 0
          && origin(client).pendingRequests() == 0);
      assertThat(client.get(uri("/hello")).join().status()).isEqualTo(200);
    }
  }

  @Test
  void theRequestTimeoutFailsTheRequestAndClosesItsConnection() {
    try (HttpClient client = HttpClient.builder(runtime).requestTimeout(Duration.ofMillis(300)).build()) {
      int before = server.metrics().openConnections();
      assertThatThrownBy(() -> client.get(uri("/hang")).join())
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("GET " + uri("/hang"))
          .hasMessageContaining("requestTimeout of 300 ms")
          .hasMessageContaining("waiting for the response head; its connection was closed");
      assertThat(origin(client).idleConnections()).isZero();
      assertThat(origin(client).failures()).isEqualTo(1);
      Polling.await("the server to see the connection close", Duration.ofSeconds(10),
          () -> server.metrics().openConnections() <= before);
      HttpRequest quick = HttpRequest.builder("GET", uri("/hang")).timeout(Duration.ofMillis(100)).build();
      assertThatThrownBy(() -> client.send(quick).join()).hasMessageContaining("the request's timeout of 100 ms");
    }
  }

  @Test
  void theContextDeadlineShortensTheRequestTimeout() throws Exception {
    try (HttpClient client = HttpClient.builder(runtime).requestTimeout(Duration.ofSeconds(30)).build()) {
      long start = System.nanoTime();
      Future<HttpResponse> bounded = Context.current().withDeadline(Deadline.after(Duration.ofMillis(300)))
          .call(() -> client.get(uri("/hang")));
      assertThatThrownBy(bounded::join)
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("the context's deadline");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aRequestWaitingForAConnectionTimesOutInTheQueue() {
    try (HttpClient client = HttpClient.builder(runtime).maxConnectionsPerOrigin(1).build()) {
      Future<HttpResponse> occupying = client.get(uri("/hang"));
      Polling.await("the connection to be busy", Duration.ofSeconds(10), () -> origin(client).activeConnections() == 1);
      HttpRequest waiting = HttpRequest.builder("GET", uri("/hello")).timeout(Duration.ofMillis(200)).build();
      assertThatThrownBy(() -> client.send(waiting).join())
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("while waiting for a connection to http://127.0.0.1:" + server.port())
          .hasMessageContaining("1 of 1 connections busy");
      assertThat(origin(client).pendingRequests()).isZero();
      occupying.cancel();
    }
  }

  @Test
  void cancellingClosesTheConnectionInsteadOfReturningIt() {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      assertThat(client.get(uri("/hello")).join().status()).isEqualTo(200);
      int open = server.metrics().openConnections();
      Future<HttpResponse> hung = client.get(uri("/hang"));
      Polling.await("the request to be on the wire", Duration.ofSeconds(10),
          () -> origin(client).activeConnections() == 1);
      assertThat(hung.cancel()).isTrue();
      assertThatThrownBy(hung::join).isInstanceOf(CancellationException.class);
      Polling.await("the server to see the connection close", Duration.ofSeconds(10),
          () -> server.metrics().openConnections() < open);
      assertThat(client.get(uri("/hello")).join().status()).isEqualTo(200);
      assertThat(origin(client).connectionsOpened()).isEqualTo(2);
    }
  }

  @Test
  void aBodyOverTheLimitFailsAndTheConnectionIsNotReused() {
    try (HttpClient client = HttpClient.builder(runtime).maxResponseBodySize(1000).build()) {
      assertThat(client.get(uri("/big?n=1000")).join().body()).hasSize(1000);
      assertThatThrownBy(() -> client.get(uri("/big?n=2000")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.BODY_TOO_LARGE))
          .hasMessageContaining("declares a Content-Length of 2000 bytes, over maxResponseBodySize of 1000 bytes");
      assertThatThrownBy(() -> client.get(uri("/stream?n=5000")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.BODY_TOO_LARGE))
          .hasMessageContaining("sent more than");
      assertThat(client.get(uri("/hello")).join().bodyAsString()).isEqualTo("hello");
      assertThat(origin(client).connectionsOpened()).isEqualTo(3);
      assertThat(origin(client).failures()).isEqualTo(2);
    }
  }

  @Test
  void streamedResponsesAreReadWholeOrGivenUp() throws Exception {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      long size = 2L * 1024 * 1024 + 5;
      StreamingHttpResponse whole = client.stream(HttpRequest.get(uri("/stream?n=" + size))).join();
      assertThat(whole.status()).isEqualTo(200);
      BodyCollector collector = new BodyCollector(0);
      whole.body().subscribe(collector);
      collector.digest.get(10, TimeUnit.SECONDS);
      assertThat(collector.received.get()).isEqualTo(size);

      AtomicReference<Throwable> second = new AtomicReference<>();
      whole.body().subscribe(new Flow.Subscriber<>() {
        @Override public void onSubscribe(Flow.Subscription s) {}
        @Override public void onNext(java.nio.ByteBuffer item) {}
        @Override public void onError(Throwable t) { second.set(t); }
        @Override public void onComplete() {}
      });
      Polling.await("the second subscriber to be refused", Duration.ofSeconds(5), () -> second.get() != null);
      assertThat(second.get()).isInstanceOf(IllegalStateException.class);
      assertThat(origin(client).connectionsOpened()).isEqualTo(1);

      BodyCollector quitter = new BodyCollector(64 * 1024);
      client.stream(HttpRequest.get(uri("/stream?n=" + size))).join().body().subscribe(quitter);
      quitter.stalled().get(10, TimeUnit.SECONDS);
      quitter.cancel();
      try (StreamingHttpResponse unread = client.stream(HttpRequest.get(uri("/stream?n=" + size))).join()) {
        assertThat(unread.status()).isEqualTo(200);
      }
      Polling.await("given-up bodies to close their connections", Duration.ofSeconds(5),
          () -> origin(client).activeConnections() == 0);
      assertThat(client.get(uri("/hello")).join().status()).isEqualTo(200);
      assertThat(origin(client).connectionsOpened()).isEqualTo(3);
    }
  }

  @Test
  void aSeeOtherAfterPostIsFollowedWithGet() {
    try (HttpClient client = HttpClient.builder(runtime).followRedirects(1).build()) {
      HttpResponse response = client.send(HttpRequest.post(uri("/see-other"), new byte[] {1, 2}, "text/plain")).join();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyAsString()).isEqualTo("hello");
      assertThat(response.uri()).isEqualTo(uri("/hello"));
    }
  }

  @Test
  void connectRefusedNamesTheOriginAndTheTime() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      assertThatThrownBy(() -> client.get("http://127.0.0.1:" + closedPort + "/").join())
          .isInstanceOfSatisfying(HttpClientException.class, e -> {
            assertThat(e.kind()).isEqualTo(HttpClientException.Kind.CONNECT_FAILED);
            assertThat(e.origin()).isEqualTo("http://127.0.0.1:" + closedPort);
          })
          .hasMessageMatching("could not connect to http://127\\.0\\.0\\.1:" + closedPort + " after \\d+ ms: .*refused.*");
      assertThat(origin(client).failures()).isEqualTo(1);
      assertThat(origin(client).connecting()).isZero();
    }
  }

  @Test
  void anUnknownHostFailsToConnect() {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      assertThatThrownBy(() -> client.get("http://no-such-host.invalid/").join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.CONNECT_FAILED))
          .hasMessageContaining("unknown host no-such-host.invalid");
    }
  }

  @Test
  void aHandshakeThatNeverCompletesHitsTheConnectTimeout() throws Exception {
    try (ScriptedServer silent = new ScriptedServer((socket, n) -> socket.getInputStream().readAllBytes());
         HttpClient client = HttpClient.builder(runtime).connectTimeout(Duration.ofMillis(300)).build()) {
      assertThatThrownBy(() -> client.get("https://127.0.0.1:" + silent.port() + "/").join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.CONNECT_TIMEOUT))
          .hasMessageContaining("connectTimeout of 300 ms, TCP connect and TLS handshake");
    }
  }

  @Test
  void malformedResponsesAreNamed() throws Exception {
    try (ScriptedServer garbage = new ScriptedServer((socket, n) -> {
           ScriptedServer.readHead(socket.getInputStream());
           ScriptedServer.write(socket, n == 0 ? "HTTP/1.1 abc\r\n\r\n"
               : "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(20_000) + "\r\nContent-Length: 0\r\n\r\n");
           socket.getInputStream().readAllBytes();
         });
         HttpClient client = HttpClient.builder(runtime).build()) {
      assertThatThrownBy(() -> client.get(garbage.uri("/")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.MALFORMED_RESPONSE))
          .hasMessageContaining("malformed response");
      assertThatThrownBy(() -> client.get(garbage.uri("/")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.MALFORMED_RESPONSE))
          .hasMessageContaining("maxResponseHeaderSize is 16384 bytes");
    }
  }

  @Test
  void aServerClosingMidBodyIsReportedWithTheBytesRead() throws Exception {
    try (ScriptedServer quitter = new ScriptedServer((socket, n) -> {
           ScriptedServer.readHead(socket.getInputStream());
           ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
           socket.close();
         });
         HttpClient client = HttpClient.builder(runtime).build()) {
      assertThatThrownBy(() -> client.get(quitter.uri("/")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.CONNECTION_CLOSED))
          .hasMessageContaining("the connection closed after 10 of 100 bytes of the response body");
    }
  }

  @Test
  void aStalePooledConnectionIsRetriedOnceForIdempotentRequestsOnly() throws Exception {
    // the first connection answers one request, then closes when the next arrives: what a server that
    // dropped an idle keep-alive connection looks like to the client that reuses it
    try (ScriptedServer server = new ScriptedServer((socket, n) -> {
           InputStream in = socket.getInputStream();
           int answered = 0;
           while (ScriptedServer.readHead(in) != null) {
             if (n == 0 && answered == 1) {
               socket.close();
               return;
             }
             answered++;
             ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
           }
         });
         HttpClient client = HttpClient.builder(runtime).build()) {
      assertThat(client.get(server.uri("/a")).join().bodyAsString()).isEqualTo("ok");
      assertThat(client.get(server.uri("/b")).join().bodyAsString()).isEqualTo("ok"); // retried on connection 2
      assertThat(server.accepted.get()).isEqualTo(2);
    }
    try (ScriptedServer server = new ScriptedServer((socket, n) -> {
           InputStream in = socket.getInputStream();
           int answered = 0;
           while (ScriptedServer.readHead(in) != null) {
             if (answered == 1) {
               socket.close();
               return;
             }
             answered++;
             ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
           }
         });
         HttpClient client = HttpClient.builder(runtime).build()) {
      assertThat(client.get(server.uri("/a")).join().bodyAsString()).isEqualTo("ok");
      assertThatThrownBy(() -> client.send(HttpRequest.builder("POST", server.uri("/b")).build()).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.CONNECTION_CLOSED))
          .hasMessageContaining("before the response head");
      assertThat(server.accepted.get()).isEqualTo(1);
    }
  }

  @Test
  void closingTheClientFailsWhatIsPendingAndRefusesMore() {
    HttpClient client = HttpClient.builder(runtime).maxConnectionsPerOrigin(1).build();
    Future<HttpResponse> running = client.get(uri("/hang"));
    Future<HttpResponse> queued = client.get(uri("/hang"));
    Polling.await("one running, one queued", Duration.ofSeconds(10), () -> origin(client).activeConnections() == 1
        && origin(client).pendingRequests() == 1);
    client.close();
    for (Future<HttpResponse> future : List.of(running, queued)) {
      assertThatThrownBy(future::join).isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.CLIENT_CLOSED));
    }
    assertThatThrownBy(() -> client.get(uri("/hello")).join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("closed");
    client.close(); // idempotent
  }

  @Test
  void aBodyEndedByTheServerClosingIsAResponse() throws Exception {
    try (ScriptedServer closer = new ScriptedServer((socket, n) -> {
           ScriptedServer.readHead(socket.getInputStream());
           ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello, until the close");
           socket.close();
         });
         HttpClient client = HttpClient.builder(runtime).build()) {
      assertThat(client.get(closer.uri("/")).join().bodyAsString()).isEqualTo("hello, until the close");
      BodyCollector collector = new BodyCollector(0);
      client.stream(HttpRequest.get(closer.uri("/"))).join().body().subscribe(collector);
      collector.digest.get(10, TimeUnit.SECONDS);
      assertThat(collector.received.get()).isEqualTo("hello, until the close".length());
      assertThat(origin(client).failures()).isZero();
    }
  }

  @Test
  void headAnd304ResponsesHaveNoBodyWhateverTheirContentLength() throws Exception {
    try (ScriptedServer server = new ScriptedServer((socket, n) -> {
           InputStream in = socket.getInputStream();
           String head;
           while ((head = ScriptedServer.readHead(in)) != null) {
             ScriptedServer.write(socket, head.startsWith("HEAD")
                 ? "HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n"
                 : "HTTP/1.1 304 Not Modified\r\nContent-Length: 104857600\r\n\r\n");
           }
         });
         HttpClient client = HttpClient.builder(runtime).maxResponseBodySize(1000).build()) {
      HttpResponse head = client.send(HttpRequest.builder("HEAD", server.uri("/")).build()).join();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      HttpResponse notModified = client.get(server.uri("/")).join();
      assertThat(notModified.status()).isEqualTo(304);
      assertThat(notModified.header("Content-Length")).contains("104857600");
      assertThat(origin(client).connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void aStreamedBodyIsBoundedByTheContextDeadlineAndSaysSo() throws Exception {
    try (ScriptedServer staller = new ScriptedServer((socket, n) -> {
           ScriptedServer.readHead(socket.getInputStream());
           ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
           socket.getInputStream().readAllBytes(); // and nothing more
         });
         HttpClient client = HttpClient.builder(runtime).requestTimeout(Duration.ofSeconds(10)).build()) {
      StreamingHttpResponse response = Context.current().withDeadline(Deadline.after(Duration.ofMillis(500)))
          .call(() -> client.stream(HttpRequest.get(staller.uri("/")))).join();
      BodyCollector collector = new BodyCollector(0);
      response.body().subscribe(collector);
      assertThatThrownBy(() -> collector.digest.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TimeoutException.class)
          .hasMessageContaining("the context's deadline")
          .hasMessageContaining("after 10 of 100 bytes of the response body");
    }
  }

  @Test
  void subscribersThatQuitOnTheLastChunkOrThrowFreeEverythingOnce() throws Exception {
    // the body comes a little after the head, so the subscriber is there when its last (only) chunk arrives
    try (ScriptedServer server = new ScriptedServer((socket, n) -> {
           InputStream in = socket.getInputStream();
           String head;
           while ((head = ScriptedServer.readHead(in)) != null) {
             if (head.contains("/hang")) {
               in.readAllBytes();
               return;
             }
             ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
             TimeUnit.MILLISECONDS.sleep(100);
             ScriptedServer.write(socket, "hello");
           }
         });
         HttpClient client = HttpClient.builder(runtime).maxConnectionsPerOrigin(2).maxPendingRequests(2).build()) {
      for (int i = 0; i < 10; i++) {
        StreamingHttpResponse response = client.stream(HttpRequest.get(server.uri("/body"))).join();
        CompletableFuture<Void> took = new CompletableFuture<>();
        boolean throwing = i % 2 == 0;
        response.body().subscribe(new Flow.Subscriber<>() {
          private Flow.Subscription subscription;
          @Override public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
          }
          @Override public void onNext(java.nio.ByteBuffer item) {
            took.complete(null);
            if (throwing) {
              throw new IllegalStateException("a broken subscriber");
            }
            subscription.cancel();
          }
          @Override public void onError(Throwable t) {}
          @Override public void onComplete() {}
        });
        took.get(10, TimeUnit.SECONDS);
      }
      Polling.await("every connection to be free", Duration.ofSeconds(10),
          () -> origin(client).activeConnections() == 0);
      // exactly maxConnections + maxPending slots are free: no slot was freed twice or kept
      List<Future<HttpResponse>> fill = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fill.add(client.get(server.uri("/hang")));
      }
      assertThatThrownBy(() -> client.get(server.uri("/hang")).join(Duration.ZERO)).isInstanceOf(RejectedException.class);
      fill.forEach(Future::cancel);
    }
  }

  @Test
  void aSilentServerCannotHoldAStreamedBodyButASlowConsumerCan() throws Exception {
    try (ScriptedServer staller = new ScriptedServer((socket, n) -> {
           ScriptedServer.readHead(socket.getInputStream());
           ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
           socket.getInputStream().readAllBytes(); // and nothing more
         });
         HttpClient client = HttpClient.builder(runtime).readTimeout(Duration.ofMillis(300)).build()) {
      BodyCollector eager = new BodyCollector(0);
      client.stream(HttpRequest.get(staller.uri("/"))).join().body().subscribe(eager);
      assertThatThrownBy(() -> eager.digest.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TimeoutException.class)
          .hasMessageContaining("the server sent nothing for")
          .hasMessageContaining("readTimeout of 300 ms")
          .hasMessageContaining("after 10 of 100 bytes of the response body");

      // a consumer that takes its time is not the server's silence: the body waits for it
      BodyCollector slow = new BodyCollector(1);
      StreamingHttpResponse response = client.stream(HttpRequest.get(staller.uri("/"))).join();
      TimeUnit.MILLISECONDS.sleep(200); // the 10 bytes arrive and wait, unrequested
      response.body().subscribe(slow);
      assertThat(slow.stalled().get(10, TimeUnit.SECONDS)).isEqualTo(10);
      TimeUnit.MILLISECONDS.sleep(700); // more than twice readTimeout without demand
      assertThat(slow.digest).isNotDone();
      slow.resume(); // now the subscriber waits for the server, which stays silent
      assertThatThrownBy(() -> slow.digest.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TimeoutException.class)
          .hasMessageContaining("readTimeout of 300 ms");
      assertThat(origin(client).activeConnections()).isZero();
    }
  }

  @Test
  void settingsAreCheckedWithClearMessages() {
    assertThatThrownBy(() -> HttpClient.builder(runtime).maxConnectionsPerOrigin(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnectionsPerOrigin must be between 1 and 10000 (was 0)");
    assertThatThrownBy(() -> HttpClient.builder(runtime).requestTimeout(Duration.ZERO).build())
        .hasMessageContaining("requestTimeout must be between PT0.001S and PT1H (was PT0S)");
    assertThatThrownBy(() -> HttpClient.builder(runtime).followRedirects(50).build())
        .hasMessageContaining("followRedirects must be between 0 and 20 hops (was 50)");
    assertThatThrownBy(() -> HttpClient.builder(runtime).trustCertificates(java.nio.file.Path.of("/no/such.pem")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustCertificates: cannot read PEM certificates from /no/such.pem");
    assertThatThrownBy(() -> HttpRequest.get(URI.create("/relative")))
        .hasMessageContaining("URI must be absolute with scheme http or https");
    assertThatThrownBy(() -> HttpRequest.get(URI.create("ftp://host/")))
        .hasMessageContaining("scheme http or https");
    assertThatThrownBy(() -> HttpRequest.builder("GET", uri("/")).header("X-A", "a\r\nX-Injected: 1"))
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> HttpRequest.builder("GET", uri("/")).header("X-A", " leading space"))
        .hasMessageContaining("starts or ends with white space");
    assertThatThrownBy(() -> HttpRequest.builder("GET", uri("/")).header("X-A", "bell\u0007"))
        .hasMessageContaining("U+0007 at index 4");
    assertThatThrownBy(() -> HttpRequest.builder("GET", uri("/")).header("X-A", "del\u007f"))
        .hasMessageContaining("U+007F");
    assertThat(HttpRequest.builder("GET", uri("/")).header("X-A", "tab\tinside").build().header("x-a"))
        .contains("tab\tinside");
    assertThatThrownBy(() -> HttpRequest.builder("GET", uri("/")).header("Content-Length", "5"))
        .hasMessageContaining("set by the client from the body");
    assertThatThrownBy(() -> HttpRequest.builder("GE T", uri("/")))
        .hasMessageContaining("not an HTTP token");
  }

  private static java.util.function.Consumer<HttpClientException> kind(HttpClientException.Kind expected) {
    return failure -> assertThat(failure.kind()).isEqualTo(expected);
  }
}
