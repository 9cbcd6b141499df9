package dev.weft.http.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * The real nginx that {@code scripts/nginx.sh} runs for the HTTP client's tests: a server no one here
 * wrote. {@code scripts/test.sh} starts it and exports its {@code WEFT_NGINX_*} variables; by hand,
 * {@code scripts/nginx.sh start && eval "$(scripts/nginx.sh env)"} before Maven. Without them,
 * {@link #require()} skips the test with the reason, unless {@code WEFT_NGINX_REQUIRED=1} (CI), which
 * makes a missing server a failure.
 *
 * <p>Three loopback listeners serve the same paths: plain HTTP ({@link #http}), HTTPS with a
 * certificate for {@code localhost} and {@code 127.0.0.1} ({@link #https}), and HTTPS with a
 * certificate for {@code wrong.example} only ({@link #httpsWrongHost}); both certificates are signed
 * by the test CA {@link #caCertificate()}. Only IPv4 (127.0.0.1) is listened on. The paths:
 *
 * <ul>
 *   <li>{@code /static/NAME}: the files of {@link #docroot()}, {@code 1b.bin}, {@code 1mb.bin}
 *       (1 048 576 bytes), {@code 100mb.bin} (104 857 600 bytes), random bytes made at each start, with
 *       a Content-Length; {@code /slow/NAME}: the same at 64 KiB/s (a 1 MiB download takes ~15 s);
 *   <li>{@code /chunked}: 200, {@code Transfer-Encoding: chunked} in several chunks, body
 *       {@link #expectedChunkedBody()};
 *   <li>{@code /status/204}, {@code /status/500}: those statuses; any missing path: nginx's 404;
 *   <li>{@code /redirect/one}: 302 to {@code /static/1b.bin}; {@code /redirect/loop}: 302 to itself;
 *       {@code /redirect/post}: 307 to {@code /status/204};
 *   <li>{@code /sink}: any method, a body of up to 200 MiB (Content-Length or chunked) is read
 *       completely before the 204 is sent (a bigger declared one gets 413), and the connection is
 *       kept alive.
 * </ul>
 *
 * <p>Keep-alive: 60 s idle, 10 000 requests per connection. nginx appends an access log line when a
 * request ends; {@link #awaitAccessLog} waits for them. Its {@link Access#connection()} is the
 * connection's serial number, so requests with the same one shared a connection. Other tests may use
 * the server at the same time: tell your requests apart, e.g. by a unique query string, which
 * {@link Access#uri()} includes.
 */
public final class Nginx {
  private static final String START_HINT =
      "run scripts/test.sh, or scripts/nginx.sh start && eval \"$(scripts/nginx.sh env)\" before Maven";
  private static final String ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static Nginx instance;
  private static boolean skipReported;

  private final int httpPort;
  private final int httpsPort;
  private final int wrongHostPort;
  private final Path docroot;
  private final Path caCertificate;
  private final Path accessLog;

  private Nginx(int httpPort, int httpsPort, int wrongHostPort, Path docroot, Path caCertificate, Path accessLog) {
    this.httpPort = httpPort;
    this.httpsPort = httpsPort;
    this.wrongHostPort = wrongHostPort;
    this.docroot = docroot;
    this.caCertificate = caCertificate;
    this.accessLog = accessLog;
  }

  /** The server, or the test is skipped (failed, with {@code WEFT_NGINX_REQUIRED=1}) when there is none. */
  public static synchronized Nginx require() {
    if (instance != null) {
      return instance;
    }
    String dir = System.getenv("WEFT_NGINX_DIR");
    if (dir == null || dir.isBlank()) {
      String why = System.getenv("WEFT_NGINX_UNAVAILABLE");
      String reason = "nginx is not running for these tests"
          + (why == null || why.isBlank() ? "" : " (" + why + ")") + ": " + START_HINT;
      if ("1".equals(System.getenv("WEFT_NGINX_REQUIRED"))) {
        throw new IllegalStateException("WEFT_NGINX_REQUIRED=1, but " + reason);
      }
      if (!skipReported) { // Surefire's console does not show why tests were skipped
        skipReported = true;
        System.err.println("SKIPPED: the tests against nginx, because " + reason);
      }
      Assumptions.abort(reason);
    }
    instance = new Nginx(
        port("WEFT_NGINX_HTTP_PORT"),
        port("WEFT_NGINX_HTTPS_PORT"),
        port("WEFT_NGINX_HTTPS_WRONG_HOST_PORT"),
        Path.of(variable("WEFT_NGINX_DOCROOT")),
        Path.of(variable("WEFT_NGINX_CA")),
        Path.of(variable("WEFT_NGINX_ACCESS_LOG")));
    return instance;
  }

  public URI http(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  /** HTTPS with the certificate for {@code localhost} (trust {@link #caCertificate()}). */
  public URI https(String path) {
    return URI.create("https://localhost:" + httpsPort + path);
  }

  /** HTTPS with a certificate, signed by the test CA, for {@code wrong.example} only: hostname checks must fail. */
  public URI httpsWrongHost(String path) {
    return URI.create("https://localhost:" + wrongHostPort + path);
  }

  /** The test CA's certificate (PEM), the only one that signed the servers'. */
  public Path caCertificate() {
    return caCertificate;
  }

  /** A TLS context that trusts the test CA only. */
  public SSLContext sslContext() {
    try (InputStream in = Files.newInputStream(caCertificate)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("weft-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + caCertificate, e);
    }
  }

  /** The directory {@code /static/} and {@code /slow/} serve. */
  public Path docroot() {
    return docroot;
  }

  /** The file that {@code /static/name} serves. */
  public Path staticFile(String name) {
    return docroot.resolve(name);
  }

  /**
   * The body of {@code /chunked}, 8 288 ASCII bytes: for i = 1..8, {@code "part i of 8\n"} then the
   * SSI include of {@code /static/part.txt}, which {@code scripts/nginx.sh} writes as 16 lines of 64
   * bytes: {@code "NN "} (00..15), the first 60 characters of {@code [0-9a-zA-Z]}, {@code "\n"}.
   * (The access log's bodyBytesSent for it counts the chunk framing too.)
   */
  public static String expectedChunkedBody() {
    StringBuilder part = new StringBuilder();
    for (int line = 0; line < 16; line++) {
      part.append(String.format("%02d %s\n", line, ALPHANUMERIC.substring(0, 60)));
    }
    StringBuilder body = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      body.append("part ").append(i).append(" of 8\n").append(part);
    }
    return body.toString();
  }

  /** Where the access log ends now: pass it to {@link #accessLogSince} to see only later requests. */
  public long accessLogMark() {
    try {
      return Files.size(accessLog);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The complete lines written after {@code mark}, oldest first. */
  public List<Access> accessLogSince(long mark) {
    String text;
    try (SeekableByteChannel channel = Files.newByteChannel(accessLog)) {
      long size = channel.size();
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(Math.max(0, size - mark)));
      channel.position(mark);
      // up to the size seen above: lines written meanwhile are for the next call
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        continue;
      }
      text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Access> entries = new ArrayList<>();
    int start = 0;
    for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
      entries.add(Access.parse(text.substring(start, end))); // a line not yet ended is left for later
    }
    return entries;
  }

  /** Waits until at least {@code atLeast} requests were logged after {@code mark}; fails with what it saw. */
  public List<Access> awaitAccessLog(long mark, int atLeast, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Access> entries = accessLogSince(mark);
      if (entries.size() >= atLeast) {
        return entries;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + atLeast
            + " access log entries; saw " + entries.size() + ": " + entries);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /**
   * One access log line ({@code log_format weft} in {@code scripts/nginx.sh}).
   *
   * @param connection the connection's serial number: equal for requests on one connection
   * @param connectionRequests this request's number on its connection, from 1
   * @param method as received; {@code "-"} if nginx could not parse the request
   * @param uri the request target as received, query included
   * @param bodyBytesSent the body bytes sent, chunk framing included (and a 100 Continue)
   * @param serverPort the listener's port: which of the three the request came to
   * @param sslProtocol e.g. {@code "TLSv1.3"}; null on plain HTTP
   * @param completed whether nginx sent the whole response (false when the client went away first)
   */
  public record Access(long connection, long connectionRequests, String method, String uri, int status, long bodyBytesSent,
      int serverPort, String sslProtocol, boolean completed) {
    static Access parse(String line) {
      String[] fields = line.split(" ", -1);
      if (fields.length != 9) {
        throw new IllegalStateException("not a weft access log line: " + line);
      }
      return new Access(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2], fields[3],
          Integer.parseInt(fields[4]), Long.parseLong(fields[5]), Integer.parseInt(fields[6]),
          "-".equals(fields[7]) ? null : fields[7], "OK".equals(fields[8]));
    }
  }

  private static String variable(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("WEFT_NGINX_DIR is set but " + name + " is not: " + START_HINT);
    }
    return value;
  }

  private static int port(String name) {
    return Integer.parseInt(variable(name));
  }
}
