package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.LogCapture;
import java.time.Duration;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cold service's first burst (issue 20): a fresh runtime's HTTP server, with its defaults, a
 * blocking route on a bulkhead of 8 threads and 16 queued calls, given 200 ordinary requests at
 * once from 32 keep-alive connections. Nothing overloads it: each call takes about 50 µs, a quick
 * query. Every request is answered 200.
 *
 * <p>Two things make that so. The pool starts a thread for each call that finds none idle, on the
 * submitting thread, instead of one after another (the old pool answered some of the first
 * requests 503 in 5 runs of 6 on this project's machine, logging "saturated (0/8 running, 24/16
 * queued)"). And 32 requests can still arrive before the 8 started threads are given a core - on
 * a 2-core machine loaded by other builds that refused 1 request of 200 in about 1 run of 10,
 * with "0/8 running, 8 starting, 16/16 queued" - so a request that finds the bulkhead full waits
 * for room for the server's admissionWait instead of being refused at once. If the bulkhead did
 * refuse on the way, its warning's counts respect each limit.
 *
 * <p>The test sets admissionWait to 1 s; everything else is the defaults. With the default 50 ms,
 * 30 of 30 quiet runs answered all 200, but beside CPU-bound processes a cold JVM's loop can stall
 * for longer than that (one such run: the loop blocked 105 ms in its first requests beside a single
 * busy process, and 1 request of 200 was refused after its 50 ms). That 503 is the setting working
 * as documented, not a lost request; a CI machine shared with other jobs must not fail on it.
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
        .admissionWait(Duration.ofSeconds(1)) // see the class comment: CPU stalls of a loaded machine
        .routeBlocking("GET", "/item", "db", request -> {
          LockSupport.parkNanos(QUERY_NANOS);
          return Response.text("item");
        })
        .start("127.0.0.1", 0)
        .join();

    List<RawHttpClient> connections = new ArrayList<>();
    LogCapture saturation = new LogCapture("dev.weft.blocking.BlockingAdapter");
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
      assertThat(statuses.get("200").sum()).as("requests answered").isEqualTo(REQUESTS);
      for (String warning : saturation.warnings()) {
        // refused tries while threads started (retried within admissionWait): the counts stay truthful
        // (read just after the refusal, so a call may have ended meanwhile: within the limits, not at them)
        Matcher counts = Pattern.compile("\\((\\d+)/8 running, (?:(\\d+) starting, )?(\\d+)/16 queued\\)")
            .matcher(warning);
        assertThat(counts.find()).as("counts in: %s", warning).isTrue();
        int starting = counts.group(2) == null ? 0 : Integer.parseInt(counts.group(2));
        assertThat(Integer.parseInt(counts.group(1)) + starting).as("running + starting in: %s", warning)
            .isLessThanOrEqualTo(8);
        assertThat(Integer.parseInt(counts.group(3))).as("queued in: %s", warning).isLessThanOrEqualTo(16);
      }
      assertThat(runtime.adapter("db").stats().threads()).as("threads: never more than maxThreads")
          .isBetween(1, 8);
    } finally {
      saturation.close();
      clients.shutdownNow();
      for (RawHttpClient connection : connections) {
        connection.close();
      }
    }
  }
}
