package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.http.testing.RawHttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cold service's first burst (issue 20): a fresh runtime's HTTP server, a blocking route on a
 * bulkhead of 8 threads and 16 queued calls, given 200 ordinary requests at once from 32 keep-alive
 * connections. Nothing overloads it: each call takes about 50 µs, a quick query. Before the fix,
 * about one cold start in three answered some of the first requests with 503 while its pool's
 * threads were still starting one after another ("saturated (0/8 running, 24/16 queued)"). Now each
 * call that finds no thread starts one, so the pool runs 8 calls as soon as 8 threads can start.
 */
class ColdStartTest {
  private static final int CONNECTIONS = 32;
  private static final int REQUESTS = 200;
  private static final long QUERY_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private AsyncRuntime runtime;
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFreshServerAnswersEveryRequestOfItsFirstBurstWith200() throws Exception {
    runtime = AsyncRuntime.builder().name("cold").loops(2)
        .bulkhead(Adapters.boundedPool("db").maxThreads(8).maxQueue(16)).build();
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/item", "db", request -> {
          LockSupport.parkNanos(QUERY_NANOS);
          return Response.text("item");
        })
        .start("127.0.0.1", 0)
        .join();

    List<RawHttpClient> connections = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
    try {
      for (int i = 0; i < CONNECTIONS; i++) {
        connections.add(new RawHttpClient(server.port())); // all connected before the first request
      }
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger toSend = new AtomicInteger(REQUESTS);
      Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
      List<Future<?>> sending = new ArrayList<>();
      for (RawHttpClient connection : connections) {
        sending.add(clients.submit(() -> {
          go.await();
          while (toSend.getAndDecrement() > 0) {
            RawHttpClient.RawResponse response = connection.send("GET /item HTTP/1.1\r\nHost: cold\r\n\r\n")
                .readResponse();
            String outcome = response.status() == 200 ? "200" : response.status() + ": " + response.body();
            statuses.computeIfAbsent(outcome, key -> new LongAdder()).increment();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> client : sending) {
        client.get(30, TimeUnit.SECONDS);
      }

      assertThat(statuses.keySet()).as("answers of the first %d requests (with counts: %s)", REQUESTS, statuses)
          .containsExactly("200");
      assertThat(statuses.get("200").sum()).as("requests answered 200").isEqualTo(REQUESTS);
      assertThat(runtime.adapter("db").stats().rejected()).as("calls the bulkhead rejected").isZero();
      assertThat(runtime.adapter("db").stats().threads()).as("threads: never more than maxThreads")
          .isBetween(1, 8);
    } finally {
      clients.shutdownNow();
      for (RawHttpClient connection : connections) {
        connection.close();
      }
    }
  }
}
