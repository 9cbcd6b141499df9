package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.ThreadLocalPropagation;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.http.testing.RawHttpClient;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * A request id put in the MDC by a handler follows its work — a blocking call from an async
 * handler, a second hop from a blocking handler — and never reaches the next request's handler on
 * the same loop or worker.
 */
class HttpThreadLocalPropagationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private AsyncRuntime runtime;
  private HttpServer server;

  @BeforeEach
  void start() {
    ThreadLocalPropagation.enable(ContextSnapshotFactory.builder()
        .contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor()))
        .clearMissing(true).build());
    runtime = AsyncRuntime.builder().name("http-mdc").loops(1)
        .bulkhead(Adapters.boundedPool("handlers").maxThreads(1).maxQueue(8))
        .bulkhead(Adapters.boundedPool("dao").maxThreads(1).maxQueue(8)).build();
    BlockingAdapter dao = runtime.adapter("dao");
    server = HttpServer.builder(runtime)
        .route("GET", "/async/{id}", request -> {
          String before = String.valueOf(MDC.get("requestId")); // what the loop had: nothing
          MDC.put("requestId", request.pathParam("id"));
          return dao.call(() -> before + " -> " + MDC.get("requestId")).map(Response::text);
        })
        .routeBlocking("GET", "/blocking/{id}", "handlers", request -> {
          String before = String.valueOf(MDC.get("requestId")); // what the worker had: nothing
          MDC.put("requestId", request.pathParam("id"));
          return Response.text(before + " -> " + dao.call(() -> MDC.get("requestId")).join(WAIT));
        })
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterEach
  void stop() {
    ThreadLocalPropagation.disable();
    if (server != null) {
      server.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  private String get(String path) throws Exception {
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      RawHttpClient.RawResponse response = client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(response.status()).as("status of %s", path).isEqualTo(200);
      return response.body();
    }
  }

  @Test
  void anAsyncHandlersMdcFollowsItsBlockingCallAndStaysWithItsRequest() throws Exception {
    assertThat(get("/async/a1")).isEqualTo("null -> a1");
    assertThat(get("/async/a2")).as("the next request on the same loop").isEqualTo("null -> a2");
  }

  @Test
  void aBlockingHandlersMdcFollowsItsNextHopAndStaysWithItsRequest() throws Exception {
    assertThat(get("/blocking/b1")).isEqualTo("null -> b1");
    assertThat(get("/blocking/b2")).as("the next request on the same worker").isEqualTo("null -> b2");
  }
}
