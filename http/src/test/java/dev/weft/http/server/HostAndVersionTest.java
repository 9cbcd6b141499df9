package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.future.Future;
import dev.weft.http.testing.GeneratedBytes;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.WeftRuntimeExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Host, request target and version, as RFC 9112 §2.3, §3.2 and §3.2.2 require, through a raw
 * socket: what the handler sees as the request's authority is never ambiguous (host-confusion
 * attacks behind proxies live on the ambiguity), versions are matched exactly, and an HTTP/1.0
 * client never receives chunked framing it cannot read.
 */
class HostAndVersionTest {
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("host");

  private static HttpServer server;
  private static final AtomicInteger handled = new AtomicInteger();

  @BeforeAll
  static void start() {
    server = HttpServer.builder(weft.runtime())
        .route("GET", "/echo", request -> {
          handled.incrementAndGet();
          return Future.succeeded(Response.text("authority=" + request.authority()));
        })
        .route("GET", "/stream", request -> Future.succeeded(Response.stream(
            TestPublishers.generated(10_000, 1_000, new AtomicLong(), new AtomicBoolean()), "application/octet-stream")))
        .start("127.0.0.1", 0)
        .join();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void resetCount() {
    handled.set(0);
  }

  private static RawHttpClient.RawResponse exchange(String request) throws Exception {
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.send(request);
      return client.readResponse();
    }
  }

  private static void assertRefused(String request, int status) throws Exception {
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.send(request);
      RawHttpClient.RawResponse response = client.readResponse();
      assertThat(response.status()).as("status for %s", request.lines().findFirst().orElse("")).isEqualTo(status);
      assertThat(response.header("connection")).as("Connection of the %d", status).isEqualTo("close");
      assertThat(client.closedByServerWithin(3_000)).as("the server closed the connection").isTrue();
    }
    assertThat(handled).as("handler calls").hasValue(0);
  }

  @Test
  void twoHostHeadersGet400() throws Exception {
    assertRefused("GET /echo HTTP/1.1\r\nHost: a\r\nHost: evil\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a, evil", "a/evil", "user@a", "a b", "a:80x", "[::1", "a?b", "a#b", ""})
  void anInvalidHostGets400(String host) throws Exception {
    assertRefused("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400);
  }

  @Test
  void http12WithoutHostGets400() throws Exception {
    assertRefused("GET /echo HTTP/1.2\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "example.com:8080", "127.0.0.1", "[::1]:80", "xn--bcher-kva.example",
      "a-b.c_d~e"})
  void aValidHostIsTheAuthorityTheHandlerSees(String host) throws Exception {
    RawHttpClient.RawResponse response = exchange("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("authority=" + host);
  }

  @Test
  void anAbsoluteFormTargetsAuthorityWinsOverHost() throws Exception {
    RawHttpClient.RawResponse response = exchange("GET http://other.example/echo HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("authority=other.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://user@other.example/echo", "http:///echo", "http://a b/echo", "ftp://other.example/echo"})
  void anAbsoluteFormTargetWithABadAuthorityGets400(String target) throws Exception {
    assertRefused("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  }

  @Test
  void http10WithoutHostIsServed() throws Exception {
    RawHttpClient.RawResponse response = exchange("GET /echo HTTP/1.0\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).as("no Host, no authority").isEqualTo("authority=");
  }

  @Test
  void aLowerCaseVersionGets400() throws Exception {
    assertRefused("GET /echo http/1.1\r\nHost: a\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
  void anotherMajorVersionGets505(String version) throws Exception {
    assertRefused("GET /echo " + version + "\r\nHost: a\r\n\r\n", 505);
  }

  @Test
  void aStreamedResponseToHttp10IsCloseDelimitedNotChunked() throws Exception {
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.send("GET /stream HTTP/1.0\r\n\r\n");
      RawHttpClient.RawResponse response = client.readResponse(); // no framing header: reads to the close

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("transfer-encoding")).as("Transfer-Encoding to an HTTP/1.0 client").isNull();
      assertThat(response.header("content-length")).isNull();
      assertThat(response.header("connection")).isEqualTo("close");
      ByteBuffer expected = GeneratedBytes.buffer(0, 10_000);
      byte[] bytes = new byte[expected.remaining()];
      expected.get(bytes);
      assertThat(response.body()).as("the body, unframed").isEqualTo(new String(bytes, StandardCharsets.UTF_8));
    }
  }
}
