package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.RawHttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 on the wire, through a raw socket: what real clients refuse to send. Malformed and
 * ambiguous requests are refused with the right status and the connection closed; framing is
 * never guessed (request smuggling); pipelined requests are answered in order.
 */
class RawProtocolTest {
  private static AsyncRuntime runtime;
  private static HttpServer server;
  private static final AtomicInteger handled = new AtomicInteger();

  @BeforeAll
  static void start() {
    runtime = AsyncRuntime.builder().name("raw").loops(2).build();
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> {
          handled.incrementAndGet();
          return Future.succeeded(Response.text("hello"));
        })
        .route("GET", "/slow/{id}", request -> request.loop().delay(Duration.ofMillis(60))
            .map(ignored -> Response.text("slow " + request.pathParam("id"))))
        .route("GET", "/fast/{id}", request -> Future.succeeded(Response.text("fast " + request.pathParam("id"))))
        .route("POST", "/echo", request -> {
          handled.incrementAndGet();
          return Future.succeeded(Response.text(request.bodyAsString()));
        })
        .routeStreaming("POST", "/count", (request, body) -> {
          Promise<Response> counted = request.loop().newPromise();
          body.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private long length;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
              length += item.remaining();
            }

            @Override
            public void onError(Throwable failure) {
              counted.fail(failure); // what a handler naturally does with a broken body
            }

            @Override
            public void onComplete() {
              counted.complete(Response.text("counted " + length));
            }
          });
          return counted;
        })
        .maxBodySize(1_000)
        .maxHeaderSize(2_048)
        .maxInitialLineLength(512)
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  @BeforeEach
  void resetCount() {
    handled.set(0);
  }

  private static RawHttpClient connect() throws Exception {
    return new RawHttpClient(server.port());
  }

  /** Sends {@code request}, and returns the one response, after checking the server then closed the connection. */
  private static RawHttpClient.RawResponse refusedAndClosed(String request) throws Exception {
    try (RawHttpClient client = connect()) {
      client.send(request);
      RawHttpClient.RawResponse response = client.readResponse();
      assertThat(response.header("connection")).as("Connection header of " + response.statusLine()).isEqualTo("close");
      assertThat(client.closedByServerWithin(3_000)).as("the server closed the connection").isTrue();
      return response;
    }
  }

  @Test
  void aMalformedRequestLineGets400AndTheConnectionIsClosed() throws Exception {
    RawHttpClient.RawResponse response = refusedAndClosed("GARBAGE\r\n\r\n");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).startsWith("Bad Request");
  }

  @Test
  void aHeaderLineWithoutColonGets400() throws Exception {
    assertThat(refusedAndClosed("GET /hello HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n").status()).isEqualTo(400);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aBareLineFeedGets400() throws Exception {
    assertThat(refusedAndClosed("GET /hello HTTP/1.1\nHost: x\n\n").status()).isEqualTo(400);
  }

  @Test
  void http11WithoutHostGets400() throws Exception {
    assertThat(refusedAndClosed("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n").status()).isEqualTo(400);
  }

  @Test
  void oversizeHeadersGet431() throws Exception {
    String big = "X-Big: " + "a".repeat(3_000) + "\r\n";

    RawHttpClient.RawResponse response = refusedAndClosed("GET /hello HTTP/1.1\r\nHost: x\r\n" + big + "\r\n");

    assertThat(response.status()).isEqualTo(431);
    assertThat(handled).hasValue(0);
  }

  @Test
  void anOverlongRequestLineGets414() throws Exception {
    RawHttpClient.RawResponse response = refusedAndClosed("GET /hello?" + "q".repeat(600) + " HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(response.status()).isEqualTo(414);
  }

  @Test
  void contentLengthTogetherWithTransferEncodingIsRefusedNotGuessed() throws Exception {
    String smuggle = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

    assertThat(refusedAndClosed(smuggle).status()).isEqualTo(400);
    assertThat(handled).as("neither the POST nor a smuggled GET reached a handler").hasValue(0);
  }

  @Test
  void twoDifferingContentLengthsAreRefused() throws Exception {
    String smuggle = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\n"
        + "helloGET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

    assertThat(refusedAndClosed(smuggle).status()).isEqualTo(400);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aTransferCodingOtherThanAFinalChunkedIsRefused() throws Exception {
    assertThat(refusedAndClosed("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n").status()).isEqualTo(400);
    assertThat(refusedAndClosed("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n").status()).isEqualTo(400);
    assertThat(handled).hasValue(0);
  }

  @Test
  void transferEncodingInAnHttp10RequestIsRefused() throws Exception {
    assertThat(refusedAndClosed("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        .status()).isEqualTo(400);
  }

  @Test
  void aMalformedChunkSizeGets400() throws Exception {
    assertThat(refusedAndClosed("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "zz\r\nhello\r\n0\r\n\r\n").status()).isEqualTo(400);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aChunkedBodyIsAggregated() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

      assertThat(client.readResponse().body()).isEqualTo("hello world");
    }
  }

  @Test
  void aDeclaredBodyOverTheLimitGets413BeforeItIsRead() throws Exception {
    RawHttpClient.RawResponse response = refusedAndClosed(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "a".repeat(5000));

    assertThat(response.status()).isEqualTo(413);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aChunkedBodyThatGrowsOverTheLimitGets413() throws Exception {
    String chunk = Integer.toHexString(600) + "\r\n" + "a".repeat(600) + "\r\n";

    RawHttpClient.RawResponse response = refusedAndClosed(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + "0\r\n\r\n");

    assertThat(response.status()).isEqualTo(413);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aBadPercentEscapeInThePathGets400() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("GET /fast/%zz HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(client.readResponse().status()).isEqualTo(400);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInRequestOrder() throws Exception {
    StringBuilder batch = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String kind = i % 2 == 0 ? "slow" : "fast";
      batch.append("GET /").append(kind).append('/').append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      expected.add(kind + " " + i);
    }
    try (RawHttpClient client = connect()) {
      client.send(batch.toString()); // one write: the server decodes them all before answering the first

      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        bodies.add(client.readResponse().body());
      }

      assertThat(bodies).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnection() throws Exception {
    try (RawHttpClient client = connect()) {
      for (int i = 0; i < 20; i++) {
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttpClient.RawResponse response = client.readResponse();
        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.header("connection")).isNull();
      }
    }
    assertThat(handled).hasValue(20);
  }

  @Test
  void connectionCloseFromTheClientIsHonoured() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(client.readResponse().header("connection")).isEqualTo("close");
      assertThat(client.closedByServerWithin(3_000)).isTrue();
    }
  }

  @Test
  void http10ClosesByDefaultAndKeepsAliveWhenAsked() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("GET /hello HTTP/1.0\r\n\r\n");
      assertThat(client.readResponse().header("connection")).isEqualTo("close");
      assertThat(client.closedByServerWithin(3_000)).isTrue();
    }
    try (RawHttpClient client = connect()) {
      client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assertThat(client.readResponse().header("connection")).isEqualTo("keep-alive");
      client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assertThat(client.readResponse().body()).isEqualTo("hello");
    }
  }

  @Test
  void expect100ContinueGetsAnInterimResponseThenTheAnswer() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertThat(client.readResponse().status()).isEqualTo(100);

      client.send("hello");

      assertThat(client.readResponse().body()).isEqualTo("hello");
    }
  }

  @Test
  void expect100ContinueOverTheBodyLimitGets413WithoutTheInterimResponse() throws Exception {
    assertThat(refusedAndClosed("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        .status()).isEqualTo(413);
  }

  @Test
  void anAbsoluteFormTargetIsRoutedByItsPath() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("GET http://example.com/fast/9?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");

      assertThat(client.readResponse().body()).isEqualTo("fast 9");
    }
  }

  @Test
  void aRequestPipelinedBehindOneThatClosesIsNeverHandled() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"); // one write, one read

      assertThat(client.readResponse().header("connection")).isEqualTo("close");
      assertThat(client.closedByServerWithin(3_000)).isTrue();
    }
    assertThat(handled).as("handler calls: the second request arrived on a connection that was closing").hasValue(1);
  }

  @Test
  void aMalformedChunkOnAStreamingRouteGets400EvenWhenTheHandlerFailsOnIt() throws Exception {
    try (RawHttpClient client = connect()) {
      client.send("POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n\r\n");

      assertThat(client.readResponse().status()).as("the client's error, not the handler's").isEqualTo(400);
    }
  }

  @Test
  void twoDifferingContentLengthsAreRefusedOnHttp10Too() throws Exception {
    RawHttpClient.RawResponse response = refusedAndClosed("POST /echo HTTP/1.0\r\nContent-Length: 5\r\n"
        + "Content-Length: 2\r\n\r\nhello");

    assertThat(response.status()).isEqualTo(400);
    assertThat(handled).hasValue(0);
  }
}
