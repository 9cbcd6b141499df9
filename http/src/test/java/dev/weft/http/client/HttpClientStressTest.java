package dev.weft.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.testing.BodyCollector;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.Polling;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads send, time out, cancel and abandon requests at random through one small pool; every
 * future must settle, and afterwards the pool must be whole again: no connection busy, nothing
 * queued, and every admission slot free (as many requests as the limits allow are admitted again).
 */
class HttpClientStressTest {
  private static final int THREADS = 8;
  private static final int ITERATIONS = 400;
  private static final int MAX_CONNECTIONS = 8;
  private static final int MAX_PENDING = 64;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void randomTrafficLeavesThePoolWhole() throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("client-stress").loops(2).build();
         HttpServer server = HttpServer.builder(runtime)
             .route("GET", "/hello", r -> Future.succeeded(Response.text("hello")))
             .route("GET", "/slowish", r -> r.loop().delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(5)))
                 .map(ignored -> Response.text("late")))
             .route("GET", "/hang", r -> r.loop().newPromise())
             .route("GET", "/stream", r -> Future.succeeded(Response.stream(TestPublishers.generated(
                 200_000, 8 * 1024, new AtomicLong(), new AtomicBoolean()), "application/octet-stream")))
             .requestTimeout(Duration.ofSeconds(60))
             .start("127.0.0.1", 0).join();
         HttpClient client = HttpClient.builder(runtime).maxConnectionsPerOrigin(MAX_CONNECTIONS)
             .maxPendingRequests(MAX_PENDING).build()) {
      String base = "http://127.0.0.1:" + server.port();
      ConcurrentLinkedQueue<Future<?>> futures = new ConcurrentLinkedQueue<>();
      AtomicInteger rejected = new AtomicInteger();
      AtomicInteger ok = new AtomicInteger();
      List<Throwable> unexpected = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(THREADS);
      for (int t = 0; t < THREADS; t++) {
        Thread thread = new Thread(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          try {
            for (int i = 0; i < ITERATIONS; i++) {
              try {
                switch (random.nextInt(6)) {
                  case 0:
                    if (client.get(base + "/hello").join().status() == 200) {
                      ok.incrementAndGet();
                    }
                    break;
                  case 1:
                    futures.add(client.send(HttpRequest.builder("GET", URI.create(base + "/slowish"))
                        .timeout(Duration.ofMillis(1 + random.nextInt(6))).build()));
                    break;
                  case 2: {
                    Future<HttpResponse> hung = client.get(base + "/hang");
                    futures.add(hung);
                    if (random.nextBoolean()) {
                      Thread.onSpinWait();
                    }
                    hung.cancel();
                    break;
                  }
                  case 3: {
                    Future<StreamingHttpResponse> streamed = client.stream(HttpRequest.get(URI.create(base + "/stream")));
                    futures.add(streamed);
                    int how = random.nextInt(3);
                    streamed.onSuccess(response -> {
                      if (how == 0) {
                        response.body().subscribe(new BodyCollector(0));
                      } else if (how == 1) {
                        BodyCollector quitter = new BodyCollector(8 * 1024);
                        response.body().subscribe(quitter);
                        quitter.stalled().thenRun(quitter::cancel);
                      } else {
                        response.close();
                      }
                    });
                    break;
                  }
                  case 4:
                    futures.add(client.send(HttpRequest.builder("GET", URI.create(base + "/hang"))
                        .timeout(Duration.ofMillis(1 + random.nextInt(20))).build()));
                    break;
                  default:
                    futures.add(client.get(base + "/slowish"));
                    break;
                }
              } catch (RejectedException full) {
                rejected.incrementAndGet(); // case 0's join: a refusal is the future's failure
              }
            }
          } catch (Throwable failure) {
            synchronized (unexpected) {
              unexpected.add(failure);
            }
          } finally {
            done.countDown();
          }
        }, "stress-" + t);
        thread.start();
      }
      assertThat(done.await(2, TimeUnit.MINUTES)).isTrue();
      assertThat(unexpected).isEmpty();
      for (Future<?> future : futures) {
        try {
          future.join(Duration.ofSeconds(30));
        } catch (Exception settled) {
          // cancelled by the test, timed out by its request timeout, or refused (pool and queue full)
          assertThat(settled).isInstanceOfAny(CancellationException.class, TimeoutException.class,
              RejectedException.class);
        }
        assertThat(future.isDone()).isTrue();
      }
      Polling.await("the pool to settle", Duration.ofSeconds(30), () -> {
        HttpClientMetrics.Origin origin = client.metrics().origins().get(0);
        return origin.activeConnections() == 0 && origin.pendingRequests() == 0 && origin.connecting() == 0;
      });
      assertThat(ok.get()).isPositive();

      // every slot is free again: exactly maxConnections + maxPending requests are admitted, not one more
      List<Future<HttpResponse>> fill = new ArrayList<>();
      for (int i = 0; i < MAX_CONNECTIONS + MAX_PENDING; i++) {
        fill.add(client.get(base + "/hang"));
      }
      Future<HttpResponse> oneMore = client.get(base + "/hang");
      assertThat(oneMore.isFailed()).as("one more than the pool and its queue hold: refused at once").isTrue();
      assertThat(oneMore.failureNow()).isInstanceOf(RejectedException.class);
      fill.forEach(Future::cancel);
      Polling.await("the fill to drain", Duration.ofSeconds(30),
          () -> client.metrics().origins().get(0).activeConnections() == 0
          && client.metrics().origins().get(0).pendingRequests() == 0);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void poolsOfUnusedOriginsRetireWithoutLosingARequest() throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("client-retire").loops(2).build();
         HttpServer server = HttpServer.builder(runtime)
             .route("GET", "/hello", r -> Future.succeeded(Response.text("hello")))
             .start("127.0.0.1", 0).join();
         HttpClient client = HttpClient.builder(runtime).idleTimeout(Duration.ofMillis(1)).build()) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(client.get(base + "/hello").join().status()).isEqualTo(200);
      Polling.await("the unused origin's pool to retire", Duration.ofSeconds(10),
          () -> client.metrics().origins().isEmpty());

      // requests racing retirement: each finds a live pool, none is lost or refused
      AtomicInteger ok = new AtomicInteger();
      List<Throwable> failures = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(4);
      for (int t = 0; t < 4; t++) {
        new Thread(() -> {
          try {
            for (int i = 0; i < 200; i++) {
              if (client.get(base + "/hello").join(Duration.ofSeconds(10)).status() == 200) {
                ok.incrementAndGet();
              }
              if (ThreadLocalRandom.current().nextInt(4) == 0) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
              }
            }
          } catch (Throwable failure) {
            synchronized (failures) {
              failures.add(failure);
            }
          } finally {
            done.countDown();
          }
        }).start();
      }
      assertThat(done.await(90, TimeUnit.SECONDS)).isTrue();
      assertThat(failures).isEmpty();
      assertThat(ok.get()).isEqualTo(800);
      assertThat(client.metrics().origins().size()).isLessThanOrEqualTo(1);
    }
  }
}
