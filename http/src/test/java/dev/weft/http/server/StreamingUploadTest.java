package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.GeneratedBytes;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.Polling;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request bodies as Flow.Publishers: every byte in order, and back-pressure that bounds memory. */
class StreamingUploadTest {
  private static final int MIB = 1024 * 1024;
  /** The slow consumer takes this much, then stalls (like a blocked disk) until the test releases it. */
  private static final long STALL_AFTER_BYTES = MIB;
  private static AsyncRuntime runtime;
  private static HttpServer server;
  private static HttpClient client;
  private static final AtomicLong consumed = new AtomicLong(); // by every slow consumer together
  private static final AtomicLong stalled = new AtomicLong(); // slow consumers waiting for the release
  private static volatile CompletableFuture<Void> release = new CompletableFuture<>();

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("upload").loops(2).build();
    server = HttpServer.builder(runtime)
        .routeStreaming("POST", "/checksum", (request, body) -> {
          Promise<Response> answer = request.loop().newPromise();
          body.subscribe(new Checksum(answer, 0));
          return answer;
        })
        .routeStreaming("POST", "/slow", (request, body) -> {
          Promise<Response> answer = request.loop().newPromise();
          body.subscribe(new Checksum(answer, STALL_AFTER_BYTES));
          return answer;
        })
        .routeStreaming("POST", "/first-bytes-only", (request, body) -> {
          Promise<Response> answer = request.loop().newPromise();
          body.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              this.subscription = subscription;
              subscription.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
              subscription.cancel();
              answer.complete(Response.text("took " + item.remaining()));
            }

            @Override
            public void onError(Throwable failure) {
              answer.fail(failure);
            }

            @Override
            public void onComplete() {}
          });
          return answer;
        })
        .routeStreaming("POST", "/reject-early", (request, body) -> Future.succeeded(Response.text(413, "no thanks")))
        .streamingBufferSize(64 * 1024)
        .maxBodySize(1024) // does not apply to streaming routes
        .start("127.0.0.1", 0)
        .join();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  private static CompletableFuture<HttpResponse<String>> upload(String path, long length, AtomicLong produced) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .POST(BodyPublishers.ofInputStream(() -> new GeneratedBytes(length, produced)))
        .timeout(Duration.ofSeconds(60)).build(), BodyHandlers.ofString());
  }

  @Test
  void everyByteOfAChunkedUploadArrivesInOrder() throws Exception {
    long length = 3L * MIB + 123;

    HttpResponse<String> response = upload("/checksum", length, new AtomicLong()).get(30, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(length + " " + GeneratedBytes.crcOf(length));
  }

  @Test
  void manyLargeUploadsIntoAStalledConsumerRunInBoundedMemory() throws Exception {
    int uploads = 20;
    long length = 20L * MIB;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    consumed.set(0);
    stalled.set(0);
    release = new CompletableFuture<>();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    AtomicLong produced = new AtomicLong(); // bytes the clients have handed to the network
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < uploads; i++) {
      responses.add(upload("/slow", length, produced));
    }

    Polling.await("every consumer has stalled", Duration.ofSeconds(20), () -> stalled.get() == uploads);
    awaitStable("bytes sent by the clients", produced, Duration.ofMillis(300), Duration.ofSeconds(20));
    System.gc();
    long heldWhileStalled = memory.getHeapMemoryUsage().getUsed() - baseline;
    long sentWhileStalled = produced.get();
    release.complete(null);

    String expected = length + " " + GeneratedBytes.crcOf(length);
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      assertThat(response.get(60, TimeUnit.SECONDS).body()).isEqualTo(expected);
    }
    assertThat(consumed.get()).isEqualTo(uploads * length);
    assertThat(sentWhileStalled).as("bytes the clients could send while the consumers stalled (TCP flow control)")
        .isLessThan(uploads * length / 2);
    assertThat(heldWhileStalled).as("heap growth while %d consumers stalled on %d MiB uploads", uploads, length / MIB)
        .isLessThan(48L * MIB);
  }

  /** Polls until {@code counter} has not changed for {@code quiet}, failing after {@code timeout}. */
  private static void awaitStable(String what, AtomicLong counter, Duration quiet, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = counter.get();
    long lastChange = System.nanoTime();
    while (System.nanoTime() - lastChange < quiet.toNanos()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " kept changing for " + timeout);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      long now = counter.get();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      }
    }
  }

  @Test
  void aConsumerThatCancelsMakesTheServerDiscardTheRest() throws Exception {
    HttpResponse<String> response = upload("/first-bytes-only", 2L * MIB, new AtomicLong()).get(30, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("took ");
  }

  @Test
  void aResponseSentBeforeTheBodyWasReadClosesTheConnection() throws Exception {
    try (RawHttpClient raw = new RawHttpClient(server.port())) {
      raw.send("POST /reject-early HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "a".repeat(1000));

      RawHttpClient.RawResponse response = raw.readResponse();

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(raw.closedByServerWithin(5_000)).isTrue();
    }
  }

  /**
   * Counts and checksums a body. Given a stall point, it takes one buffer at a time up to that
   * point, then stops asking (a consumer that has fallen behind) until the test completes
   * {@link #release}; after that it takes the rest as fast as it comes.
   */
  private static final class Checksum implements Flow.Subscriber<ByteBuffer> {
    private final Promise<Response> answer;
    private final long stallAfter; // 0: never stalls
    private final CRC32 crc = new CRC32();
    private long count;
    private boolean released;
    private Flow.Subscription subscription;

    Checksum(Promise<Response> answer, long stallAfter) {
      this.answer = answer;
      this.stallAfter = stallAfter;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(stallAfter == 0 ? Long.MAX_VALUE : 1);
    }

    @Override
    public void onNext(ByteBuffer item) {
      int size = item.remaining();
      count += size;
      crc.update(item);
      if (stallAfter == 0) {
        return;
      }
      consumed.addAndGet(size);
      if (released) {
        return;
      }
      if (count < stallAfter) {
        subscription.request(1);
      } else {
        released = true;
        stalled.incrementAndGet();
        release.thenRun(() -> subscription.request(Long.MAX_VALUE)); // request() is thread-safe
      }
    }

    @Override
    public void onError(Throwable failure) {
      answer.fail(failure);
    }

    @Override
    public void onComplete() {
      answer.complete(Response.text(count + " " + crc.getValue()));
    }
  }
}
