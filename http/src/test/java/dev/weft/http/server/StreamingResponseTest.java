package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.http.testing.GeneratedBytes;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.LogCapture;
import dev.weft.testing.Polling;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Responses streamed chunked from a Flow.Publisher, at the pace the client reads; clients that go away. */
class StreamingResponseTest {
  private static final int CHUNK = 16 * 1024;
  private static AsyncRuntime runtime;
  private static HttpServer server;
  private static HttpClient client;
  private static final AtomicLong endlessProduced = new AtomicLong();
  private static final CountDownLatch endlessCancelled = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("download").loops(2).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/bytes/{length}", request -> Future.succeeded(Response.stream(
            new Generated(Long.parseLong(request.pathParam("length")), new AtomicLong(), null), "application/octet-stream")))
        .route("GET", "/endless", request -> Future.succeeded(Response.stream(
            new Generated(Long.MAX_VALUE, endlessProduced, endlessCancelled), "application/octet-stream")))
        .route("GET", "/broken", request -> Future.succeeded(Response.stream(subscriber -> {
          subscriber.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public void request(long n) {
              if (!sent) {
                sent = true;
                subscriber.onNext(ByteBuffer.wrap("partial".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
              } else {
                subscriber.onError(new IllegalStateException("the source broke"));
              }
            }

            @Override
            public void cancel() {}
          });
        }, "text/plain")))
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello")))
        .start("127.0.0.1", 0)
        .join();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void aStreamedBodyArrivesChunkedAndComplete() throws Exception {
    long length = 5L * 1024 * 1024 + 17;

    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/bytes/" + length)).build(),
        BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
    assertThat(response.headers().firstValue("content-length")).isEmpty();
    CRC32 crc = new CRC32();
    crc.update(response.body());
    assertThat(response.body()).hasSize((int) length);
    assertThat(crc.getValue()).isEqualTo(GeneratedBytes.crcOf(length));
  }

  @Test
  void aClientThatDoesNotReadSlowsTheStreamDownAndItsResetCancelsIt() throws Exception {
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.socket().setReceiveBufferSize(64 * 1024);
      raw.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
      // read nothing: the socket buffers fill, the channel turns unwritable, the server stops requesting
      Polling.await("the stream started", Duration.ofSeconds(5), () -> endlessProduced.get() > 0);
      awaitStable(endlessProduced, Duration.ofMillis(300), Duration.ofSeconds(10));

      assertThat(endlessProduced.get()).as("bytes produced for a client that reads nothing").isLessThan(32L * 1024 * 1024);

      raw.socket().setSoLinger(true, 0); // close with a reset, mid-response
    }
    assertThat(endlessCancelled.await(5, TimeUnit.SECONDS)).as("the publisher's subscription was cancelled").isTrue();
    Polling.await("the exchange was counted as aborted", Duration.ofSeconds(5), () -> server.metrics().aborted() >= 1);
    HttpResponse<String> after = client.send(HttpRequest.newBuilder(uri("/hello")).build(), BodyHandlers.ofString());
    assertThat(after.body()).as("the server still serves").isEqualTo("hello");
  }

  @Test
  void aPublisherThatFailsMidBodyClosesTheConnectionAndLogsAtError() throws Exception {
    try (LogCapture logs = new LogCapture("dev.weft.http.server")) {
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri("/broken")).build(), BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);

      Polling.await("the failure was logged", Duration.ofSeconds(5), () -> !logs.at(Level.ERROR).isEmpty());
      assertThat(logs.at(Level.ERROR).get(0).getThrowableProxy().getMessage()).isEqualTo("the source broke");
    }
  }

  @Test
  void headOfAStreamedRouteSendsNoBody() throws Exception {
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.send("HEAD /bytes/100 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpClient.RawResponse head = raw.readHeadResponse();

      assertThat(head.status()).isEqualTo(200);
      assertThat(raw.readResponse().body()).as("the next response follows at once").isEqualTo("hello");
    }
  }

  private static void awaitStable(AtomicLong counter, Duration quiet, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = counter.get();
    long lastChange = System.nanoTime();
    while (System.nanoTime() - lastChange < quiet.toNanos()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the publisher kept producing for " + timeout);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      long now = counter.get();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      }
    }
  }

  /** Publishes {@code length} generated bytes in 16 KiB buffers, synchronously inside request(). */
  private static final class Generated implements Flow.Publisher<ByteBuffer> {
    private final long length;
    private final AtomicLong produced;
    private final CountDownLatch cancelled; // may be null

    Generated(long length, AtomicLong produced, CountDownLatch cancelled) {
      this.length = length;
      this.produced = produced;
      this.cancelled = cancelled;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      subscriber.onSubscribe(new Flow.Subscription() {
        private long position;
        private boolean done;

        @Override
        public void request(long n) {
          for (long i = 0; i < n && !done; i++) {
            if (position >= length) {
              done = true;
              subscriber.onComplete();
              return;
            }
            int size = (int) Math.min(CHUNK, length - position);
            ByteBuffer next = GeneratedBytes.buffer(position, size);
            position += size;
            produced.addAndGet(size);
            subscriber.onNext(next);
          }
          if (!done && position >= length) {
            done = true;
            subscriber.onComplete();
          }
        }

        @Override
        public void cancel() {
          done = true;
          if (cancelled != null) {
            cancelled.countDown();
          }
        }
      });
    }
  }
}
