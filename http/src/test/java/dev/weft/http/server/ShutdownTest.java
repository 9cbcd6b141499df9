package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.Polling;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: stop accepting, close idle connections, let requests in flight finish within the grace period. */
class ShutdownTest {
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("shutdown").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @Test
  void aRequestInFlightFinishesAndTheServerStopsAccepting() throws Exception {
    CountDownLatch inHandler = new CountDownLatch(1);
    Promise<Response> answer = runtime.nextLoop().newPromise();
    HttpServer server = HttpServer.builder(runtime)
        .route("GET", "/work", request -> {
          inHandler.countDown();
          return answer;
        })
        .start("127.0.0.1", 0).join();
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();

      Future<Void> shutdown = server.shutdown(Duration.ofSeconds(5));

      // refused once the listening socket is gone; bounded retry for a scheduler that delays it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      boolean refused = false;
      while (!refused && System.nanoTime() < deadline) {
        try {
          new Socket("127.0.0.1", server.port()).close();
        } catch (ConnectException expected) {
          refused = true;
        }
      }
      assertThat(refused).as("new connections are refused").isTrue();
      assertThat(shutdown.isDone()).as("shutdown waits for the request in flight").isFalse();

      answer.complete(Response.text("finished"));
      RawHttpClient.RawResponse response = client.readResponse();

      assertThat(response.body()).isEqualTo("finished");
      assertThat(response.header("connection")).isEqualTo("close");
      shutdown.join(Duration.ofSeconds(5));
      assertThat(client.closedByServerWithin(3_000)).isTrue();
    }
  }

  @Test
  void idleKeepAliveConnectionsAreClosedAtOnce() throws Exception {
    HttpServer server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello")))
        .start("127.0.0.1", 0).join();
    try (RawHttpClient idle = new RawHttpClient(server.port())) {
      idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(idle.readResponse().header("connection")).isNull();
      long start = System.nanoTime();

      server.shutdown(Duration.ofSeconds(30)).join(Duration.ofSeconds(5));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(idle.closedByServerWithin(3_000)).isTrue();
    }
  }

  @Test
  void whenTheGracePeriodEndsBusyConnectionsAreClosedAndTheirHandlersCancelled() throws Exception {
    CountDownLatch inHandler = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    HttpServer server = HttpServer.builder(runtime)
        .route("GET", "/forever", request -> {
          Promise<Response> never = request.loop().newPromise();
          never.onCancel(cancelled::countDown);
          inHandler.countDown();
          return never;
        })
        .start("127.0.0.1", 0).join();
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();

      server.shutdown(Duration.ofMillis(200)).join(Duration.ofSeconds(5));

      assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the handler's future was cancelled").isTrue();
      assertThat(client.closedByServerWithin(3_000)).isTrue();
      assertThat(server.metrics().aborted()).isEqualTo(1);
    }
  }

  @Test
  void shutdownIsIdempotent() {
    HttpServer server = HttpServer.builder(runtime).start("127.0.0.1", 0).join();

    Future<Void> first = server.shutdown(Duration.ofSeconds(1));

    assertThat(server.shutdown(Duration.ofSeconds(1))).isSameAs(first);
    first.join();
  }

  @Test
  void closeWaitsUntilEveryConnectionIsClosed() throws Exception {
    AtomicReference<Promise<Response>> answer = new AtomicReference<>();
    CountDownLatch inHandler = new CountDownLatch(1);
    HttpServer server = HttpServer.builder(runtime)
        .route("GET", "/work", request -> {
          answer.set(request.loop().newPromise());
          inHandler.countDown();
          return answer.get();
        })
        .shutdownGracePeriod(Duration.ofSeconds(5))
        .start("127.0.0.1", 0).join();
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      Polling.await("the server stopped listening", Duration.ofSeconds(5), () -> refusesConnections(server.port()));
      assertThat(closing).isNotDone();

      answer.get().complete(Response.text("done"));

      closing.get(5, TimeUnit.SECONDS);
      assertThat(server.metrics().openConnections()).isZero();
      assertThat(client.readResponse().body()).isEqualTo("done");
    }
  }

  private static boolean refusesConnections(int port) {
    try {
      new Socket("127.0.0.1", port).close();
      return false;
    } catch (IOException refused) {
      return true;
    }
  }
}
