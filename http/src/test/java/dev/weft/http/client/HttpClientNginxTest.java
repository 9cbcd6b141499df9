package dev.weft.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.http.testing.BodyCollector;
import dev.weft.http.testing.Nginx;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.Polling;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a server no one here wrote: Debian's nginx, started by scripts/nginx.sh. */
class HttpClientNginxTest {
  private static AsyncRuntime runtime;
  private Nginx nginx;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("client-nginx").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @BeforeEach
  void requireNginx() {
    nginx = Nginx.require();
  }

  private static String unique() {
    return "?t=" + UUID.randomUUID();
  }

  @Test
  void staticFilesArriveWholeAndExact() throws Exception {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      for (String name : List.of("1b.bin", "1mb.bin")) {
        HttpResponse response = client.get(nginx.http("/static/" + name)).join();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-length")).contains(String.valueOf(Files.size(nginx.staticFile(name))));
        assertThat(response.body()).isEqualTo(Files.readAllBytes(nginx.staticFile(name)));
      }
    }
  }

  @Test
  void chunkedResponsesAreReassembled() {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      HttpResponse response = client.get(nginx.http("/chunked")).join();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Transfer-Encoding")).contains("chunked");
      assertThat(response.bodyAsString()).isEqualTo(Nginx.expectedChunkedBody());
    }
  }

  @Test
  void statusesAreResponsesNotFailures() {
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      assertThat(client.get(nginx.http("/no/such/file")).join().status()).isEqualTo(404);
      assertThat(client.get(nginx.http("/status/500")).join().status()).isEqualTo(500);
      assertThat(client.get(nginx.http("/status/204")).join().body()).isEmpty();
      assertThat(client.metrics().origins().get(0).failures()).isZero();
      assertThat(client.metrics().origins().get(0).requests()).isEqualTo(3);
    }
  }

  @Test
  void keepAliveReusesOneConnectionAsNginxSeesIt() {
    String tag = unique();
    long mark = nginx.accessLogMark();
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      for (int i = 0; i < 20; i++) {
        assertThat(client.get(nginx.http("/static/1b.bin" + tag + "&i=" + i)).join().status()).isEqualTo(200);
      }
      HttpResponse head = client.send(HttpRequest.builder("HEAD", nginx.http("/static/1mb.bin" + tag)).build()).join();
      assertThat(head.header("Content-Length")).contains("1048576");
      assertThat(head.body()).isEmpty();
      assertThat(client.get(nginx.http("/static/1b.bin" + tag + "&after-head")).join().body()).hasSize(1);
      assertThat(client.metrics().origins().get(0).connectionsOpened()).isEqualTo(1);
    }
    List<Nginx.Access> mine = nginx.awaitAccessLog(mark, 22, Duration.ofSeconds(10)).stream()
        .filter(a -> a.uri().contains(tag)).collect(Collectors.toList());
    assertThat(mine).hasSize(22);
    assertThat(mine.stream().map(Nginx.Access::connection).distinct()).hasSize(1);
    assertThat(mine.get(21).connectionRequests()).isEqualTo(22);
  }

  @Test
  void aBurstOfAThousandRequestsSharesSixteenConnections() {
    String tag = unique();
    long mark = nginx.accessLogMark();
    try (HttpClient client = HttpClient.builder(runtime).maxConnectionsPerOrigin(16).maxPendingRequests(1000).build()) {
      List<Future<HttpResponse>> responses = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        responses.add(client.get(nginx.http("/static/1b.bin" + tag + "&i=" + i)));
      }
      for (Future<HttpResponse> response : responses) {
        assertThat(response.join().status()).isEqualTo(200);
      }
      HttpClientMetrics.Origin origin = client.metrics().origins().get(0);
      assertThat(origin.connectionsOpened()).isLessThanOrEqualTo(16);
      assertThat(origin.requests()).isEqualTo(1000);
      assertThat(origin.pendingRequests()).isZero();
      assertThat(origin.activeConnections()).isZero();
    }
    List<Nginx.Access> mine = nginx.awaitAccessLog(mark, 1000, Duration.ofSeconds(20)).stream()
        .filter(a -> a.uri().contains(tag)).collect(Collectors.toList());
    assertThat(mine).hasSize(1000).allMatch(a -> a.status() == 200);
    Set<Long> connections = mine.stream().map(Nginx.Access::connection).collect(Collectors.toSet());
    assertThat(connections.size()).isBetween(1, 16);
  }

  @Test
  void aHundredMegabytesStreamWithBoundedHeap() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long stallEvery = 20L * 1024 * 1024;
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      System.gc();
      long baseline = memory.getHeapMemoryUsage().getUsed();
      StreamingHttpResponse response = client.stream(HttpRequest.get(nginx.http("/static/100mb.bin"))).join();
      assertThat(response.status()).isEqualTo(200);
      BodyCollector collector = new BodyCollector(stallEvery);
      response.body().subscribe(collector);
      long maxRetained = 0;
      while (true) {
        long at;
        try {
          at = collector.stalled().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("stuck at " + collector.received.get() + " bytes; " + client.metrics(), e);
        }
        if (at < 0) {
          break;
        }
        // the subscriber has no demand: the connection must stop reading, so after a pause the
        // client holds at most a socket read's worth, not the rest of the 100 MB nginx is ready to send
        TimeUnit.MILLISECONDS.sleep(300);
        System.gc();
        maxRetained = Math.max(maxRetained, memory.getHeapMemoryUsage().getUsed() - baseline);
        collector.resume();
      }
      assertThat(collector.received.get()).isEqualTo(104_857_600L);
      assertThat(collector.digest.get(10, TimeUnit.SECONDS)).isEqualTo(sha256(nginx.staticFile("100mb.bin")));
      assertThat(maxRetained).as("heap retained while the subscriber stalled").isLessThan(24L * 1024 * 1024);
      // read to the end: the connection went back to the pool
      assertThat(client.get(nginx.http("/static/1b.bin")).join().status()).isEqualTo(200);
      assertThat(client.metrics().origins().get(0).connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void cancellingAResponseClosesItsConnectionOnTheWire() {
    String tag = unique();
    long mark = nginx.accessLogMark();
    try (HttpClient client = HttpClient.builder(runtime).build()) {
      Future<HttpResponse> slow = client.get(nginx.http("/slow/1mb.bin" + tag));
      Polling.await("the download to start", Duration.ofSeconds(10),
          () -> client.metrics().origins().get(0).activeConnections() == 1);
      sleep(300);
      assertThat(slow.cancel()).isTrue();
      // nginx logs the request when its connection goes: at once, not after the ~15 s download
      List<Nginx.Access> logged = nginx.awaitAccessLog(mark, 1, Duration.ofSeconds(5)).stream()
          .filter(a -> a.uri().contains(tag)).collect(Collectors.toList());
      assertThat(logged).hasSize(1);
      assertThat(logged.get(0).completed()).isFalse();
      assertThat(logged.get(0).bodyBytesSent()).isLessThan(1_048_576L);
      Polling.await("the connection to be counted out", Duration.ofSeconds(5),
          () -> client.metrics().origins().get(0).activeConnections() == 0
          && client.metrics().origins().get(0).idleConnections() == 0);
    }
  }

  @Test
  void aStalledSlowDownloadTimesOutAndClosesTheConnection() {
    try (HttpClient client = HttpClient.builder(runtime).requestTimeout(Duration.ofMillis(500)).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.get(nginx.http("/slow/1mb.bin" + unique())).join())
          .isInstanceOf(java.util.concurrent.TimeoutException.class)
          .hasMessageContaining("requestTimeout of 500 ms")
          .hasMessageContaining("bytes of the response body");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(client.metrics().origins().get(0).failures()).isEqualTo(1);
    }
  }

  @Test
  void httpsWithTheTestCaTrusted() {
    String tag = unique();
    long mark = nginx.accessLogMark();
    try (HttpClient client = HttpClient.builder(runtime).trustCertificates(nginx.caCertificate()).build()) {
      HttpResponse response = client.get(nginx.https("/chunked" + tag)).join();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyAsString()).isEqualTo(Nginx.expectedChunkedBody());
      assertThat(client.get(nginx.https("/static/1b.bin" + tag)).join().body()).hasSize(1);
      assertThat(client.metrics().origins().get(0).connectionsOpened()).isEqualTo(1);
    }
    List<Nginx.Access> mine = nginx.awaitAccessLog(mark, 2, Duration.ofSeconds(10)).stream()
        .filter(a -> a.uri().contains(tag)).collect(Collectors.toList());
    assertThat(mine).hasSize(2).allMatch(a -> a.sslProtocol() != null && a.sslProtocol().startsWith("TLS"));
  }

  @Test
  void certificatesAreCheckedOffTheLoops() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream pem = Files.newInputStream(nginx.caCertificate())) {
      trusted.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory pkix = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    pkix.init(trusted);
    X509ExtendedTrustManager delegate = (X509ExtendedTrustManager) pkix.getTrustManagers()[0];
    List<String> checkedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    X509ExtendedTrustManager recording = new X509ExtendedTrustManager() {
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        checkedOn.add(Thread.currentThread().getName() + (dev.weft.Loop.current() == null ? "" : " (a loop)"));
        delegate.checkServerTrusted(chain, authType, engine);
      }
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
      }
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
      }
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
      }
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
      }
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
      }
      @Override public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
      }
    };
    try (HttpClient client = HttpClient.builder(runtime)
        .trustManagerFactory(new SimpleTrustManagerFactory() {
          @Override protected void engineInit(KeyStore keyStore) {}
          @Override protected void engineInit(ManagerFactoryParameters parameters) {}
          @Override protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {recording};
          }
        }).build()) {
      assertThat(client.get(nginx.https("/static/1b.bin")).join().status()).isEqualTo(200);
    }
    assertThat(checkedOn).hasSize(1);
    assertThat(checkedOn.get(0)).doesNotContain("(a loop)").contains("weft-http-client");
  }

  @Test
  void httpsFailsWhenTheCaIsNotTrusted() {
    try (HttpClient client = HttpClient.builder(runtime).build()) { // the JDK's trust store only
      assertThatThrownBy(() -> client.get(nginx.https("/static/1b.bin")).join())
          .isInstanceOfSatisfying(HttpClientException.class, e -> {
            assertThat(e.kind()).isEqualTo(HttpClientException.Kind.TLS_FAILED);
            assertThat(e.origin()).isEqualTo("https://localhost:" + nginx.https("/").getPort());
          })
          .hasMessageContaining("TLS handshake with https://localhost")
          .hasMessageContaining("trustCertificates");
    }
  }

  @Test
  void httpsFailsWhenTheCertificateIsForAnotherHost() {
    try (HttpClient client = HttpClient.builder(runtime).trustCertificates(nginx.caCertificate()).build()) {
      assertThatThrownBy(() -> client.get(nginx.httpsWrongHost("/static/1b.bin")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.TLS_FAILED))
          .hasMessageContaining("localhost");
    }
  }

  @Test
  void uploadsReachTheServerWhole() {
    String tag = unique();
    long mark = nginx.accessLogMark();
    try (HttpClient client = HttpClient.builder(runtime).trustCertificates(nginx.caCertificate()).build()) {
      byte[] megabyte = new byte[1024 * 1024];
      assertThat(client.send(HttpRequest.post(nginx.http("/sink" + tag), megabyte, "application/octet-stream"))
          .join().status()).isEqualTo(204);
      AtomicLong emitted = new AtomicLong();
      HttpRequest chunked = HttpRequest.builder("PUT", nginx.https("/sink" + tag))
          .body(TestPublishers.generated(10L * 1024 * 1024, 16 * 1024, emitted, new AtomicBoolean()), -1,
              "application/octet-stream")
          .build();
      // nginx answers /sink only once it read the whole body
      assertThat(client.send(chunked).join().status()).isEqualTo(204);
      assertThat(emitted.get()).isEqualTo(10L * 1024 * 1024);
    }
    List<Nginx.Access> mine = nginx.awaitAccessLog(mark, 2, Duration.ofSeconds(10)).stream()
        .filter(a -> a.uri().contains(tag)).collect(Collectors.toList());
    assertThat(mine).extracting(Nginx.Access::method).containsExactly("POST", "PUT");
  }

  @Test
  void redirectsAreReturnedByDefaultAndFollowedWhenAsked() {
    try (HttpClient plain = HttpClient.builder(runtime).build();
         HttpClient following = HttpClient.builder(runtime).followRedirects(3).build()) {
      HttpResponse redirect = plain.get(nginx.http("/redirect/one")).join();
      assertThat(redirect.status()).isEqualTo(302);
      assertThat(redirect.header("Location")).isPresent();

      HttpResponse followed = following.get(nginx.http("/redirect/one")).join();
      assertThat(followed.status()).isEqualTo(200);
      assertThat(followed.body()).hasSize(1);
      assertThat(followed.uri().getPath()).isEqualTo("/static/1b.bin");

      assertThatThrownBy(() -> following.get(nginx.http("/redirect/loop")).join())
          .isInstanceOfSatisfying(HttpClientException.class, kind(HttpClientException.Kind.TOO_MANY_REDIRECTS))
          .hasMessageContaining("more than 3 redirects");

      HttpResponse posted = following.send(HttpRequest.post(nginx.http("/redirect/post"), new byte[] {1}, "text/plain"))
          .join();
      assertThat(posted.status()).isEqualTo(204); // 307 repeats the POST to /status/204
      assertThat(posted.uri().getPath()).isEqualTo("/status/204");
    }
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return sha.digest();
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static java.util.function.Consumer<HttpClientException> kind(HttpClientException.Kind expected) {
    return failure -> assertThat(failure.kind()).isEqualTo(expected);
  }
}
