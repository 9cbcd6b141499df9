package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking route on a saturated bulkhead answers {@code 503}, and the incident is one WARN: the
 * adapter's own saturation warning (rate-limited), not a second one from the server per refusal.
 */
class SaturationLoggedOnceTest {
  private AsyncRuntime runtime;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aSaturatedBlockingRouteGives503AndOneWarning() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    runtime = AsyncRuntime.builder().name("sat-once").loops(1)
        .bulkhead(Adapters.boundedPool("dao").maxThreads(1).maxQueue(0)).build();
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/slow", "dao", request -> {
          entered.countDown();
          release.await(20, TimeUnit.SECONDS);
          return Response.text("slow");
        })
        .start("127.0.0.1", 0)
        .join();
    List<RawHttpClient> connections = new ArrayList<>();
    try (LogCapture adapterLog = new LogCapture("dev.weft.blocking.BlockingAdapter");
         LogCapture serverLog = new LogCapture("dev.weft.http.server")) {
      RawHttpClient holder = new RawHttpClient(server.port());
      connections.add(holder);
      holder.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(entered.await(10, TimeUnit.SECONDS)).as("the first request holds the only thread").isTrue();

      for (int i = 0; i < 3; i++) {
        RawHttpClient refused = new RawHttpClient(server.port());
        connections.add(refused);
        assertThat(refused.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status())
            .as("request %d beyond the bulkhead", i + 2).isEqualTo(503);
      }

      assertThat(adapterLog.warningsContaining("saturated")).as("the adapter's saturation warning").hasSize(1);
      assertThat(serverLog.warnings()).as("the server's warnings for the same incident").isEmpty();
      release.countDown();
      assertThat(holder.readResponse().status()).as("the held request").isEqualTo(200);
    } finally {
      for (RawHttpClient connection : connections) {
        connection.close();
      }
    }
  }
}
