package dev.weft.http.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.AsyncRuntime;
import dev.weft.http.server.HttpServer;
import dev.weft.testing.Polling;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpReadmeExampleTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void theReadmeServerAnswersBothRoutes() throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().loops(1).build();
         HttpServer server = HttpReadmeExample.start(runtime, 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();

      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/hello/ada")).build(), BodyHandlers.ofString())
          .body()).isEqualTo("hello ada");
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/users/7")).build(), BodyHandlers.ofString())
          .body()).isEqualTo("user 7");
    }
  }

  /**
   * The service exports its metrics in Prometheus' format, read with curl as a scraper would: after
   * known traffic, the lines for routes, status classes, adapter calls and loops carry the right values.
   */
  @Test
  void theReadmeServerServesItsMetricsToCurl() throws Exception {
    assumeTrue(curlIsInstalled(), "curl is not installed");
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("readme").loops(1).build();
         HttpServer server = HttpReadmeExample.start(runtime, 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      String base = "http://127.0.0.1:" + server.port();
      for (String path : List.of("/hello/ada", "/hello/grace", "/users/1", "/users/2", "/users/3", "/nowhere")) {
        curl(base + path);
      }
      // a response is counted once its last byte is written, which may be just after curl read it
      Polling.await("the 6 responses counted", TIMEOUT, () -> server.metrics().responses() == 6
          && server.metrics().routes().stream().mapToLong(route -> route.responses()).sum() == 5);

      String metrics = curl(base + "/metrics");
      Path saved = Path.of("target", "readme-service-metrics.txt"); // for docs/observability.md
      Files.writeString(saved, metrics);

      List<String> lines = metrics.lines().toList();
      assertThat(lines).as("the scrape, saved in %s", saved).contains(
          "weft_http_server_requests_seconds_count{method=\"GET\",route=\"/hello/{name}\",server=\"api\"} 2",
          "weft_http_server_requests_seconds_count{method=\"GET\",route=\"/users/{id}\",server=\"api\"} 3",
          "weft_http_server_requests_seconds_count{method=\"*\",route=\"unrouted\",server=\"api\"} 1",
          "weft_http_server_responses_total{method=\"GET\",route=\"/users/{id}\",server=\"api\",status=\"2xx\"} 3.0",
          "weft_http_server_responses_total{method=\"*\",route=\"unrouted\",server=\"api\",status=\"4xx\"} 1.0",
          "weft_http_server_in_flight{server=\"api\"} 1.0", // the scrape itself
          "weft_adapter_calls_total{adapter=\"blocking\",outcome=\"completed\",runtime=\"readme\"} 3.0",
          "weft_adapter_calls_total{adapter=\"blocking\",outcome=\"rejected\",runtime=\"readme\"} 0.0",
          "weft_adapter_queue_wait_seconds_count{adapter=\"blocking\",runtime=\"readme\"} 3",
          "weft_adapter_run_time_seconds_count{adapter=\"blocking\",runtime=\"readme\"} 3",
          "weft_unhandled_failures_total{runtime=\"readme\"} 0.0");
      assertThat(lines).as("lines of the loop's lag and the recent latency").anyMatch(line -> line.matches(
          "weft_loop_lag_seconds_count\\{loop=\"readme-loop-0\",runtime=\"readme\"} [1-9][0-9]*"))
          .anyMatch(line -> line.startsWith(
              "weft_http_server_requests_recent_seconds{server=\"api\",stat=\"p99\"} "));
    }
  }

  private static boolean curlIsInstalled() {
    try {
      return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String curl(String url) throws IOException, InterruptedException {
    Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--fail", "--max-time", "10", url)
        .redirectErrorStream(false).start();
    byte[] body = curl.getInputStream().readAllBytes();
    assertThat(curl.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("curl %s ended", url).isTrue();
    if (url.endsWith("/nowhere")) {
      return new String(body, StandardCharsets.UTF_8); // --fail: exit 22 on the 404 we asked for
    }
    assertThat(curl.exitValue()).as("curl %s: %s", url, new String(curl.getErrorStream().readAllBytes(),
        StandardCharsets.UTF_8)).isZero();
    return new String(body, StandardCharsets.UTF_8);
  }
}
