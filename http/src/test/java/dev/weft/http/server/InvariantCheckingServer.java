package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * A server with short timeouts and a few routes of every kind, and the invariants every input sent
 * to it must keep; shared by the fuzz tests. Each input is followed by a sentinel request with
 * {@code Connection: close}, so a well-framed input ends quickly. Invariants:
 * <ul>
 *   <li>the server answers with well-formed responses and closes within 3 s (every state is bounded);
 *   <li>one response per request: each handler call that produced a response gave exactly one 2xx;
 *   <li>nothing is answered after a response that carries {@code Connection: close};
 *   <li>an ambiguous frame (a first head with both {@code Content-Length} and
 *       {@code Transfer-Encoding}, or {@code Content-Length} twice) is refused (400, or 414, 431 or
 *       505 when its line, headers or version are refused first), no handler runs, and no second
 *       request is answered from it;
 *   <li>no exception escapes: no ERROR and no "unexpected" WARN in the server's log (the runtime
 *       extension of the test also checks for unhandled failures; NettyLeakCheck for leaks).
 * </ul>
 * An input containing {@code HEAD} is only checked for the bounded close and the logs: a HEAD
 * response carries a {@code Content-Length} without a body, which a reader that does not know
 * which request it answers cannot frame.
 */
final class InvariantCheckingServer implements AutoCloseable {
  static final String SENTINEL = "GET /hello HTTP/1.1\r\nHost: sentinel\r\nConnection: close\r\n\r\n";

  private final HttpServer server;
  private final AtomicInteger answered = new AtomicInteger(); // handler calls that produced a response
  private final LogCapture log = new LogCapture("dev.weft.http.server");

  InvariantCheckingServer(AsyncRuntime runtime) {
    // only WARN and ERROR are checked: thousands of inputs need not print their DEBUG lines
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.weft.http.server")).setLevel(Level.INFO);
    server = HttpServer.builder(runtime)
        .route("GET", "/hello", request -> answer(Response.text("hello")))
        .route("POST", "/echo", request -> answer(Response.bytes(request.body(), "application/octet-stream")))
        .route("GET", "/out", request -> answer(Response.stream(
            TestPublishers.generated(3_000, 1_000, new AtomicLong(), new AtomicBoolean()), "text/plain")))
        .routeStreaming("POST", "/in", (request, body) -> {
          Promise<Response> result = request.loop().newPromise();
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
              result.fail(failure);
            }

            @Override
            public void onComplete() {
              answered.incrementAndGet();
              result.complete(Response.text("in " + length));
            }
          });
          return result;
        })
        .maxBodySize(1_000)
        .maxHeaderSize(2_048)
        .maxInitialLineLength(512)
        .requestTimeout(Duration.ofMillis(300))
        .idleTimeout(Duration.ofMillis(300))
        .sendTimeout(Duration.ofSeconds(1))
        .start("127.0.0.1", 0).join();
  }

  private Future<Response> answer(Response response) {
    answered.incrementAndGet();
    return Future.succeeded(response);
  }

  int port() {
    return server.port();
  }

  /**
   * Sends {@code input} plus the sentinel, reads every response until the server closes, and checks
   * the invariants; a failure's message ends with {@code context}.
   *
   * @return the outcome: the statuses answered, in order
   */
  String check(byte[] input, String context) throws Exception {
    return check(input, context, 3_000);
  }

  /**
   * Sends every request of {@code corpus} once, waiting up to 60 s for each, and checks the
   * invariants: a fuzzer that instruments classes as they load makes the first requests slow.
   */
  void warmUp(String[] corpus) throws Exception {
    for (String request : corpus) {
      check(request.getBytes(StandardCharsets.ISO_8859_1), "warm-up input " + request, 60_000);
    }
  }

  private String check(byte[] input, String context, int readTimeoutMillis) throws Exception {
    int answeredBefore = answered.get();
    List<RawHttpClient.RawResponse> responses = new ArrayList<>();
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.socket().setSoTimeout(readTimeoutMillis);
      try {
        client.send(concat(input, SENTINEL.getBytes(StandardCharsets.ISO_8859_1)));
      } catch (IOException closedEarly) {
        // the server refused and closed before the whole input was written: what it answered is still checked
      }
      if (new String(input, StandardCharsets.ISO_8859_1).contains("HEAD")) {
        // a HEAD response has a Content-Length and no body, which this reader cannot tell from the
        // next response: only the bounded close and the logs are checked
        try {
          client.socket().getInputStream().readAllBytes();
        } catch (SocketTimeoutException silent) {
          throw new AssertionError("the server did not close within " + readTimeoutMillis + " ms; " + context, silent);
        } catch (IOException reset) {
          // closed with a reset: closed all the same
        }
        checkLogs(context);
        return "HEAD";
      }
      while (true) {
        RawHttpClient.RawResponse response;
        try {
          response = client.readResponse();
        } catch (SocketTimeoutException silent) {
          throw new AssertionError("the server neither answered nor closed within " + readTimeoutMillis + " ms; "
              + context, silent);
        } catch (IOException closed) {
          break; // end of stream (or a reset after the last response)
        } catch (RuntimeException unparsable) {
          throw new AssertionError("a malformed response; " + context, unparsable);
        }
        if (response.status() == 100) {
          continue;
        }
        assertThat(responses).as("a response after one with Connection: close; %s", context)
            .noneMatch(earlier -> "close".equalsIgnoreCase(earlier.header("connection")));
        responses.add(response);
      }
    }
    int handlersAnswered = answered.get() - answeredBefore;
    long successes = responses.stream().filter(response -> response.status() / 100 == 2).count();
    assertThat(successes).as("2xx responses vs handler calls that produced one; %s", context)
        .isEqualTo(handlersAnswered);
    if (isAmbiguous(input)) {
      assertThat(responses).as("the answer to an ambiguous frame; %s", context).hasSize(1);
      // 400, or an earlier refusal of the same request: 505 for a version it does not speak, 414, 431
      assertThat(responses.get(0).status()).as("its status; %s", context).isIn(400, 414, 431, 505);
      assertThat(handlersAnswered).as("handlers run for an ambiguous frame; %s", context).isZero();
    }
    checkLogs(context);
    StringBuilder outcome = new StringBuilder();
    for (RawHttpClient.RawResponse response : responses) {
      outcome.append(response.status()).append(',');
    }
    return outcome.toString();
  }

  private void checkLogs(String context) {
    assertThat(log.at(Level.ERROR)).as("errors logged; %s", context).isEmpty();
    assertThat(log.warningsContaining("unexpected")).as("unexpected failures; %s", context).isEmpty();
  }

  /** A first head with Content-Length and Transfer-Encoding, or Content-Length twice: RFC 9112 §6.3's ambiguities. */
  private static boolean isAmbiguous(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0 || text.indexOf("\r\n") == end || text.substring(0, end).contains("\n\n")) {
      return false;
    }
    int contentLengths = 0;
    boolean transferEncoding = false;
    String[] lines = text.substring(0, end).split("\r\n", -1);
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].toLowerCase(Locale.ROOT);
      contentLengths += line.startsWith("content-length:") ? 1 : 0;
      transferEncoding |= line.startsWith("transfer-encoding:");
    }
    return (contentLengths > 0 && transferEncoding) || contentLengths > 1;
  }

  static byte[] concat(byte[] first, byte[] second) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first, 0, first.length);
    out.write(second, 0, second.length);
    return out.toByteArray();
  }

  /** The input as a Java string literal, for failure messages. */
  static String escape(byte[] input) {
    StringBuilder text = new StringBuilder("\"");
    for (byte b : input) {
      int c = b & 0xff;
      if (c == '\r') {
        text.append("\\r");
      } else if (c == '\n') {
        text.append("\\n");
      } else if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        text.append(String.format("\\x%02x", c));
      } else {
        text.append((char) c);
      }
    }
    return text.append('"').toString();
  }

  @Override
  public void close() {
    log.close();
    server.close();
  }
}
