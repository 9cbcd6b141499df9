package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.LogCapture;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request is admitted (or refused) before its body is read, aggregated bodies draw on a
 * server-wide byte budget, and connections are capped: what a flood of slow uploads can make the
 * server hold is bounded by settings, not by the number of sockets an attacker opens.
 */
class AdmissionBeforeBodyTest {
  private static final int MIB = 1024 * 1024;

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("admission");

  private final AtomicInteger handled = new AtomicInteger();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdown(Duration.ZERO).join();
    }
  }

  private static Socket open(int port) throws Exception {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(5_000);
    return socket;
  }

  @Test
  void slowPostsThatNeverFinishStayWithinTheBodyBudget() throws Exception {
    server = HttpServer.builder(weft.runtime())
        .route("POST", "/upload", request -> {
          handled.incrementAndGet();
          return Future.succeeded(Response.text("got " + request.body().length));
        })
        .maxBodySize(MIB)
        .maxBufferedBodyBytes(16 * MIB)
        .start("127.0.0.1", 0).join();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    int connections = 200;
    byte[] almostAll = new byte[MIB - 1];
    Arrays.fill(almostAll, (byte) 'x');
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        Socket socket = open(server.port());
        sockets.add(socket);
        socket.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + MIB + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(almostAll);
        socket.getOutputStream().flush();
      }
      int fitInBudget = 16;
      Polling.await("every upload beyond the budget is refused", Duration.ofSeconds(20),
          () -> server.metrics().rejected() == connections - fitInBudget, () -> server.metrics());
      long maxGrowth = 0;
      for (int sample = 0; sample < 5; sample++) {
        System.gc();
        maxGrowth = Math.max(maxGrowth, memory.getHeapMemoryUsage().getUsed() - baseline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // spaces the samples; waits for nothing
      }
      // G1 stores an array of 1 MiB in two 1 MiB regions (a humongous object with its header), so 16 MiB of
      // admitted bodies cost up to 32 MiB of heap; the other 184 connections may add a few MiB of Netty state
      assertThat(maxGrowth).as("heap growth with %d stalled 1 MiB uploads and a 16 MiB budget", connections)
          .isLessThan(2 * 16L * MIB + 8L * MIB);
      assertThat(server.metrics().inFlight()).as("admitted uploads, all within the budget").isEqualTo(fitInBudget);
      assertThat(handled).as("no upload is complete, so no handler ran").hasValue(0);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void aRequestBeyondMaxConcurrentIsRefusedBeforeItsBodyAndGetsNo100Continue() throws Exception {
    Promise<Response> release = weft.loop(0).newPromise();
    server = HttpServer.builder(weft.runtime())
        .route("GET", "/hold", request -> release)
        .route("POST", "/upload", request -> Future.succeeded(Response.text("got " + request.body().length)))
        .maxConcurrentRequests(1)
        .start("127.0.0.1", 0).join();
    try (RawHttpClient holder = new RawHttpClient(server.port());
         RawHttpClient uploader = new RawHttpClient(server.port())) {
      holder.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
      Polling.await("the permit is held", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 1);

      uploader.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n");
      RawHttpClient.RawResponse answer = uploader.readResponse();

      assertThat(answer.status()).as("the answer to a request that cannot be admitted, before its body").isEqualTo(503);
      assertThat(answer.header("retry-after")).isNotNull();
      release.complete(Response.text("done"));
      assertThat(holder.readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void aBodyThatDoesNotFitTheBudgetIsRefusedAtOnce() throws Exception {
    server = HttpServer.builder(weft.runtime())
        .route("POST", "/upload", request -> Future.succeeded(Response.text("got " + request.body().length)))
        .maxBodySize(MIB)
        .maxBufferedBodyBytes(MIB)
        .start("127.0.0.1", 0).join();
    try (RawHttpClient first = new RawHttpClient(server.port());
         RawHttpClient second = new RawHttpClient(server.port())) {
      first.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 600000\r\n\r\n" + "x".repeat(1_000));
      Polling.await("the first upload is admitted", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 1);

      second.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 600000\r\n\r\n");
      RawHttpClient.RawResponse refused = second.readResponse();

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("maxBufferedBodyBytes");
      first.send("x".repeat(599_000));
      assertThat(first.readResponse().body()).isEqualTo("got 600000");
    }
    try (RawHttpClient third = new RawHttpClient(server.port())) {
      third.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 600000\r\n\r\n" + "y".repeat(600_000));
      assertThat(third.readResponse().body()).as("the budget is returned when an exchange ends").isEqualTo("got 600000");
    }
  }

  @Test
  void aChunkedBodyThatOutgrowsTheBudgetIsRefused() throws Exception {
    server = HttpServer.builder(weft.runtime())
        .route("POST", "/upload", request -> Future.succeeded(Response.text("got " + request.body().length)))
        .maxBodySize(MIB)
        .maxBufferedBodyBytes(MIB)
        .start("127.0.0.1", 0).join();
    try (RawHttpClient first = new RawHttpClient(server.port());
         RawHttpClient second = new RawHttpClient(server.port())) {
      String chunk = Integer.toHexString(700_000) + "\r\n" + "x".repeat(700_000) + "\r\n";
      first.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 700000\r\n\r\n" + "x".repeat(700_000 - 1));
      Polling.await("the first upload is admitted", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 1);

      second.send("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
      RawHttpClient.RawResponse refused = second.readResponse();

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("connection")).isEqualTo("close");
      first.send("x");
      assertThat(first.readResponse().body()).isEqualTo("got 700000");
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAtAccept() throws Exception {
    server = HttpServer.builder(weft.runtime())
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello")))
        .maxConnections(3)
        .start("127.0.0.1", 0).join();
    List<RawHttpClient> kept = new ArrayList<>();
    try (LogCapture log = new LogCapture("dev.weft.http.server")) {
      for (int i = 0; i < 3; i++) {
        RawHttpClient client = new RawHttpClient(server.port());
        kept.add(client);
        assertThat(client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status()).isEqualTo(200);
      }

      try (RawHttpClient fourth = new RawHttpClient(server.port())) {
        assertThat(fourth.closedByServerWithin(3_000)).as("the fourth connection is closed at once").isTrue();
      }
      assertThat(server.metrics().refusedConnections()).isEqualTo(1);
      assertThat(server.metrics().openConnections()).isEqualTo(3);
      assertThat(log.warningsContaining("maxConnections")).isNotEmpty();

      kept.remove(0).close();
      Polling.await("the closed connection is counted out", Duration.ofSeconds(5),
          () -> server.metrics().openConnections() == 2);
      try (RawHttpClient fifth = new RawHttpClient(server.port())) {
        assertThat(fifth.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status())
            .as("a connection once there is room again").isEqualTo(200);
      }
    } finally {
      for (RawHttpClient client : kept) {
        client.close();
      }
    }
  }
}
