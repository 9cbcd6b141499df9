package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.testing.Polling;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real command-line clients: curl for keep-alive, chunked uploads and downloads, Expect:
 * 100-continue; wrk for a short overload on keep-alive connections. Each test is skipped when its
 * tool is missing; {@code scripts/test.sh} installs both.
 */
class ExternalClientsTest {
  private static AsyncRuntime runtime;
  private static HttpServer server;

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("external").loops(2).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> Future.succeeded(Response.text("hello\n")))
        .route("GET", "/work", request -> request.loop().delay(Duration.ofMillis(50)).map(x -> Response.text("ok")))
        .routeStreaming("POST", "/count", (request, body) -> {
          Promise<Response> answer = request.loop().newPromise();
          body.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private long count;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
              count += item.remaining();
            }

            @Override
            public void onError(Throwable failure) {
              answer.fail(failure);
            }

            @Override
            public void onComplete() {
              answer.complete(Response.text("received " + count + " bytes, "
                  + request.header("transfer-encoding").orElse("content-length") + "\n"));
            }
          });
          return answer;
        })
        .route("GET", "/chunks", request -> Future.succeeded(Response.stream(subscriber ->
            subscriber.onSubscribe(new Flow.Subscription() {
              private int sent;

              @Override
              public void request(long n) {
                for (long i = 0; i < n && sent < 3; i++) {
                  sent++;
                  subscriber.onNext(ByteBuffer.wrap(("part " + sent + "\n").getBytes(StandardCharsets.UTF_8)));
                }
                if (sent == 3) {
                  sent++;
                  subscriber.onComplete();
                }
              }

              @Override
              public void cancel() {}
            }), "text/plain")))
        .maxConcurrentRequests(32)
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  @Test
  void curlReusesTheKeepAliveConnection() throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");

    Result result = run("curl", "-sv", url("/hello"), url("/hello"));

    assertThat(result.stdout()).isEqualTo("hello\nhello\n");
    assertThat(result.stderr()).containsIgnoringCase("Re-using existing connection");
  }

  @Test
  void curlUploadsAChunkedBody(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");
    Path file = dir.resolve("upload.bin");
    Files.write(file, new byte[300_000]);

    Result result = run("curl", "-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, url("/count"));

    assertThat(result.stdout()).isEqualTo("received 300000 bytes, chunked\n");
  }

  @Test
  void curlUploadsALargeBodyWithExpectContinue(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");
    Path file = dir.resolve("upload.bin");
    Files.write(file, new byte[3_000_000]);

    Result result = run("curl", "-sv", "-H", "Expect: 100-continue", "--data-binary", "@" + file, url("/count"));

    assertThat(result.stderr()).contains("HTTP/1.1 100 Continue");
    assertThat(result.stdout()).isEqualTo("received 3000000 bytes, content-length\n");
  }

  @Test
  void curlReadsAChunkedResponse() throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");

    Result raw = run("curl", "-s", "--raw", url("/chunks"));
    Result decoded = run("curl", "-s", url("/chunks"));

    assertThat(raw.stdout()).isEqualTo("7\r\npart 1\n\r\n7\r\npart 2\n\r\n7\r\npart 3\n\r\n0\r\n\r\n");
    assertThat(decoded.stdout()).isEqualTo("part 1\npart 2\npart 3\n");
  }

  @Test
  void wrkOverloadGetsOnly200Or503AndNoSocketErrors(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("wrk"), "wrk is not installed");
    Path script = dir.resolve("statuses.lua");
    Files.writeString(script, String.join("\n",
        "local threads = {}",
        "function setup(thread) table.insert(threads, thread) end",
        "function init(args) ok = 0; shed = 0; other = 0 end",
        "function response(status, headers, body)",
        "  if status == 200 then ok = ok + 1 elseif status == 503 then shed = shed + 1 else other = other + 1 end",
        "end",
        "function done(summary, latency, requests)",
        "  local ok, shed, other = 0, 0, 0",
        "  for _, t in ipairs(threads) do ok = ok + t:get('ok'); shed = shed + t:get('shed'); other = other + t:get('other') end",
        "  io.write(string.format('STATUSES ok=%d shed=%d other=%d\\n', ok, shed, other))",
        "end", ""));

    Result result = run("wrk", "-t2", "-c200", "-d3s", "--timeout", "5s", "-s", script.toString(), url("/work"));

    Matcher counts = Pattern.compile("STATUSES ok=(\\d+) shed=(\\d+) other=(\\d+)").matcher(result.stdout());
    assertThat(counts.find()).as("wrk's summary:\n" + result.stdout()).isTrue();
    assertThat(Long.parseLong(counts.group(1))).as("200s").isPositive();
    assertThat(Long.parseLong(counts.group(2))).as("503s").isPositive();
    assertThat(Long.parseLong(counts.group(3))).as("other statuses").isZero();
    assertThat(result.stdout()).as("wrk reports no socket errors").doesNotContain("Socket errors");
    Polling.await("nothing in flight", Duration.ofSeconds(5), () -> server.metrics().inFlight() == 0);
  }

  private record Result(String stdout, String stderr) {}

  private static Result run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).start();
    java.util.concurrent.CompletableFuture<byte[]> err =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(List.of(command) + " finished").isTrue();
    assertThat(process.exitValue()).as(List.of(command) + " exit code").isZero();
    return new Result(new String(out, StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean onPath(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    return dirs.stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
