package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.future.Future;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.LogCapture;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that stops reading its response must not hold the server's resources: after
 * {@code sendTimeout} without a byte taken, the connection is closed, the handler's publisher
 * cancelled and the admission permit freed. A slow client that keeps reading is not cut off.
 */
class SlowReaderTest {
  private static final int MIB = 1024 * 1024;

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("slow-reader");

  private final AtomicBoolean publisherCancelled = new AtomicBoolean();
  private HttpServer server;

  private void startServer() {
    server = HttpServer.builder(weft.runtime())
        .route("GET", "/bytes", request -> Future.succeeded(Response.bytes(new byte[8 * MIB], "application/octet-stream")))
        .route("GET", "/bytes2", request -> Future.succeeded(Response.bytes(new byte[2 * MIB], "application/octet-stream")))
        .route("GET", "/stream", request -> Future.succeeded(Response.stream(
            TestPublishers.generated(1024L * MIB, 16 * 1024, new AtomicLong(), publisherCancelled),
            "application/octet-stream")))
        .route("GET", "/small", request -> Future.succeeded(Response.text("small")))
        .maxConcurrentRequests(4)
        .requestTimeout(Duration.ofSeconds(1))
        .idleTimeout(Duration.ofSeconds(3))
        .sendTimeout(Duration.ofSeconds(1))
        .start("127.0.0.1", 0).join();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdown(Duration.ZERO).join();
    }
  }

  /** Opens a connection with a small receive window, sends a GET for {@code path} and never reads. */
  private Socket nonReader(String path) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(8 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  private void fourNonReadersAreCutOffAndThePermitsFreed(String path) throws Exception {
    startServer();
    List<Socket> readers = new ArrayList<>();
    try (LogCapture log = new LogCapture("dev.weft.http.server")) {
      for (int i = 0; i < 4; i++) {
        readers.add(nonReader(path));
      }
      Polling.await("the four responses have started", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 4);

      Polling.await("the server closed the non-readers and freed their permits", Duration.ofSeconds(8),
          () -> server.metrics().inFlight() == 0 && server.metrics().openConnections() == 0,
          () -> server.metrics());

      try (RawHttpClient client = new RawHttpClient(server.port())) {
        assertThat(client.send("GET /small HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().status())
            .as("a new request once the non-readers are gone").isEqualTo(200);
      }
      assertThat(server.metrics().sendTimedOut()).as("send timeouts counted").isEqualTo(4);
      assertThat(log.warningsContaining("sendTimeout")).as("WARN naming the setting").isNotEmpty();
    } finally {
      for (Socket reader : readers) {
        reader.close();
      }
    }
  }

  @Test
  void clientsThatStopReadingALargeResponseAreClosedAfterTheSendTimeout() throws Exception {
    fourNonReadersAreCutOffAndThePermitsFreed("/bytes");
  }

  @Test
  void clientsThatStopReadingAStreamedResponseAreClosedAndThePublisherCancelled() throws Exception {
    fourNonReadersAreCutOffAndThePermitsFreed("/stream");

    assertThat(publisherCancelled).as("the handler's publisher was cancelled").isTrue();
  }

  @Test
  void aSlowClientThatKeepsReadingIsNotCutOff() throws Exception {
    startServer();
    long total = 0;
    long started = System.nanoTime();
    try (Socket socket = nonReader("/bytes2")) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      socket.setSoTimeout(5_000);
      int read;
      // about 640 KiB/s: the whole response takes longer than sendTimeout, no single pause does
      while (total < 2L * MIB + 100 && (read = in.read(buffer)) >= 0) {
        total += read;
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // paces the reader; waits for nothing
      }
    }
    assertThat(System.nanoTime() - started).as("the download outlasted sendTimeout")
        .isGreaterThan(TimeUnit.SECONDS.toNanos(1));
    assertThat(total).as("bytes read: the head and the whole 2 MiB body").isGreaterThan(2L * MIB);
    assertThat(server.metrics().sendTimedOut()).isZero();
  }
}
