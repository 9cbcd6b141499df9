package dev.weft.http.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves what {@link Nginx} promises the HTTP client's tests, with the JDK's own client (and a raw
 * socket where that one hides the framing), so a failing client test is the client's fault, not the
 * fixture's.
 */
class NginxFixtureTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static Nginx nginx;
  // one for the class: its connection pool is what the keep-alive test looks at
  private static final HttpClient CLIENT = jdkClient().build();

  // per test, not per class: so each test shows as skipped, with the reason, when there is no nginx
  @BeforeEach
  void requireNginx() {
    nginx = Nginx.require();
  }

  private static HttpClient.Builder jdkClient() {
    // HTTP/1.1: the default (HTTP/2) would add an h2c upgrade to plain requests
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(TIMEOUT);
  }

  /** A query string no other request carries, to find this test's requests in the shared access log. */
  private static String tag() {
    return "?test=" + UUID.randomUUID();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1b.bin", "1mb.bin", "100mb.bin"})
  void staticFilesAreTheFilesOnDisk(String name) throws Exception {
    Path file = nginx.staticFile(name);
    HttpResponse<InputStream> response =
        CLIENT.send(get(nginx.http("/static/" + name)).build(), HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(Files.size(file));
    try (InputStream body = response.body(); InputStream onDisk = Files.newInputStream(file)) {
      assertThat(sha256(body)).isEqualTo(sha256(onDisk));
    }
  }

  @Test
  void staticFilesHaveTheAdvertisedSizes() throws IOException {
    assertThat(Files.size(nginx.staticFile("1b.bin"))).isEqualTo(1);
    assertThat(Files.size(nginx.staticFile("1mb.bin"))).isEqualTo(1_048_576);
    assertThat(Files.size(nginx.staticFile("100mb.bin"))).isEqualTo(104_857_600);
    // random, not a constant: a client that loses or reorders bytes must not match by chance
    assertThat(Files.readAllBytes(nginx.staticFile("1mb.bin"))).containsAnyOf((byte) 1).containsAnyOf((byte) 200);
  }

  @Test
  void chunkedIsChunkedInSeveralChunks() throws IOException {
    URI uri = nginx.http("/chunked");
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      String request = "GET /chunked HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();

      String head = readUntil(in, "\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 200 ");
      Map<String, String> headers = headers(head);
      assertThat(headers).containsEntry("transfer-encoding", "chunked").doesNotContainKey("content-length");

      ByteArrayOutputStream body = new ByteArrayOutputStream();
      int chunks = 0;
      while (true) {
        String sizeLine = readUntil(in, "\r\n");
        int size = Integer.parseInt(sizeLine.substring(0, sizeLine.length() - 2).split(";")[0].trim(), 16);
        if (size == 0) {
          assertThat(readUntil(in, "\r\n")).as("no trailers, then the end of the message").isEqualTo("\r\n");
          break;
        }
        body.write(in.readNBytes(size));
        assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("\r\n");
        chunks++;
      }
      assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo(Nginx.expectedChunkedBody());
      assertThat(body.size()).isEqualTo(8288);
      assertThat(chunks).isGreaterThan(1);
    }
  }

  @Test
  void chunkedBodyThroughTheJdkClient() throws Exception {
    HttpResponse<String> response =
        CLIENT.send(get(nginx.http("/chunked")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Nginx.expectedChunkedBody());
  }

  @Test
  void statusesPassThrough() throws Exception {
    assertThat(status(nginx.http("/static/no-such-file.bin"))).isEqualTo(404);
    assertThat(status(nginx.http("/status/500"))).isEqualTo(500);
    assertThat(status(nginx.http("/status/204"))).isEqualTo(204);
    assertThat(status(nginx.http("/redirect/one"))).isEqualTo(302);
  }

  @Test
  void redirects() throws Exception {
    // the JDK client does not follow redirects unless told to: these are nginx's answers
    HttpResponse<Void> one =
        CLIENT.send(get(nginx.http("/redirect/one")).build(), HttpResponse.BodyHandlers.discarding());
    HttpResponse<Void> loop =
        CLIENT.send(get(nginx.http("/redirect/loop")).build(), HttpResponse.BodyHandlers.discarding());
    HttpResponse<Void> post = CLIENT.send(
        get(nginx.http("/redirect/post")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.discarding());

    assertThat(one.statusCode()).isEqualTo(302);
    assertThat(URI.create(one.headers().firstValue("location").orElseThrow()).getPath()).isEqualTo("/static/1b.bin");
    assertThat(URI.create(loop.headers().firstValue("location").orElseThrow()).getPath()).isEqualTo("/redirect/loop");
    assertThat(post.statusCode()).isEqualTo(307);
    assertThat(URI.create(post.headers().firstValue("location").orElseThrow()).getPath()).isEqualTo("/status/204");
  }

  @Test
  void httpsWithTheTestCa() throws Exception {
    HttpClient trusting = jdkClient().sslContext(nginx.sslContext()).build();
    String tag = tag();
    long mark = nginx.accessLogMark();

    HttpResponse<byte[]> response =
        trusting.send(get(nginx.https("/static/1mb.bin" + tag)).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Files.readAllBytes(nginx.staticFile("1mb.bin")));
    Nginx.Access access = only(nginx.awaitAccessLog(mark, 1, TIMEOUT), tag);
    assertThat(access.serverPort()).isEqualTo(nginx.https("/").getPort());
    assertThat(access.sslProtocol()).startsWith("TLSv1.");
    assertThat(access.completed()).isTrue();
  }

  @Test
  void httpsWithoutTheTestCaFailsTheHandshake() {
    HttpClient untrusting = jdkClient().build(); // the JDK's default trust store

    assertThatThrownBy(() -> untrusting.send(get(nginx.https("/static/1b.bin")).build(),
        HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void theWrongHostsCertificateFailsHostnameVerification() {
    HttpClient trusting = jdkClient().sslContext(nginx.sslContext()).build();

    // trusted CA, so only the name can be what fails
    assertThatThrownBy(() -> trusting.send(get(nginx.httpsWrongHost("/static/1b.bin")).build(),
        HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining("No subject alternative DNS name matching localhost");
  }

  @Test
  void keepAliveShowsInTheAccessLog() throws Exception {
    String tag = tag();
    long mark = nginx.accessLogMark();

    for (int i = 0; i < 20; i++) {
      assertThat(status(nginx.http("/static/1b.bin" + tag))).isEqualTo(200);
    }

    List<Nginx.Access> mine = nginx.awaitAccessLog(mark, 20, TIMEOUT).stream()
        .filter(access -> access.uri().endsWith(tag)).collect(Collectors.toList());
    assertThat(mine).hasSize(20).allSatisfy(access -> {
      assertThat(access.method()).isEqualTo("GET");
      assertThat(access.status()).isEqualTo(200);
      assertThat(access.bodyBytesSent()).isEqualTo(1);
      assertThat(access.serverPort()).isEqualTo(nginx.http("/").getPort());
      assertThat(access.sslProtocol()).isNull();
      assertThat(access.completed()).isTrue();
    });
    assertThat(mine.stream().map(Nginx.Access::connection).distinct().count()).isLessThanOrEqualTo(2);
    assertThat(mine.stream().mapToLong(Nginx.Access::connectionRequests).max().orElseThrow())
        .isGreaterThanOrEqualTo(10);
  }

  @Test
  void sinkTakesAMegabyteAndAnswers204() throws Exception {
    byte[] upload = new byte[1_048_576];
    new Random(42).nextBytes(upload);
    String tag = tag();
    long mark = nginx.accessLogMark();

    HttpResponse<String> response = CLIENT.send(
        get(nginx.http("/sink" + tag)).POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    Nginx.Access access = only(nginx.awaitAccessLog(mark, 1, TIMEOUT), tag);
    assertThat(access.method()).isEqualTo("POST");
    assertThat(access.status()).isEqualTo(204);
    assertThat(access.completed()).isTrue();
  }

  private static int status(URI uri) throws IOException, InterruptedException {
    return CLIENT.send(get(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static Nginx.Access only(List<Nginx.Access> entries, String tag) {
    List<Nginx.Access> mine =
        entries.stream().filter(access -> access.uri().endsWith(tag)).collect(Collectors.toList());
    assertThat(mine).hasSize(1);
    return mine.get(0);
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
      digesting.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads up to and including {@code end}, as ASCII; fails if the stream ends first. */
  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder read = new StringBuilder();
    while (read.length() < end.length() || !read.substring(read.length() - end.length()).equals(end)) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("the connection ended before " + end.replace("\r\n", "CRLF") + " after: " + read);
      }
      read.append((char) b);
    }
    return read.toString();
  }

  /** The header fields of a response head, names lower-cased. */
  private static Map<String, String> headers(String head) {
    Map<String, String> headers = new TreeMap<>();
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return headers;
  }
}
