package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.http.testing.TestPublishers;
import dev.weft.testing.LogCapture;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A seeded, feedback-guided random mutator over a corpus of valid, malformed and ambiguous
 * requests, sent over raw sockets for a bounded time. Each input is followed by a sentinel request
 * with {@code Connection: close}, so a well-framed input ends quickly. Invariants, checked for
 * every input:
 * <ul>
 *   <li>the server answers with well-formed responses and closes within 3 s (every state is bounded);
 *   <li>one response per request: each handler call that produced a response gave exactly one 2xx;
 *   <li>nothing is answered after a response that carries {@code Connection: close};
 *   <li>an ambiguous frame (a first head with both {@code Content-Length} and
 *       {@code Transfer-Encoding}, or two {@code Content-Length}s) gets 400, no handler runs, and no
 *       second request is answered from it;
 *   <li>no exception escapes (no ERROR and no "unexpected" WARN in the server's log; the runtime
 *       extension checks for unhandled failures) and no buffer leaks (NettyLeakCheck, per class).
 * </ul>
 * The corpus grows with inputs whose outcome (statuses, count, close) was not seen before: a cheap
 * behavioural guidance in place of code coverage. {@code -Dweft.fuzz.seed} and
 * {@code -Dweft.fuzz.seconds} (default 15) replay or lengthen a run; a failure names the seed, the
 * iteration and the input.
 */
class RequestFuzzTest {
  private static final long SEED = Long.getLong("weft.fuzz.seed", 14L);
  private static final long SECONDS = Long.getLong("weft.fuzz.seconds", 15L);
  private static final int MAX_ITERATIONS = 20_000;
  private static final int MAX_CORPUS = 400;
  private static final String SENTINEL = "GET /hello HTTP/1.1\r\nHost: sentinel\r\nConnection: close\r\n\r\n";

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("fuzz");

  private static HttpServer server;
  private static final AtomicInteger answered = new AtomicInteger(); // handler calls that produced a response

  @BeforeAll
  static void start() {
    server = HttpServer.builder(weft.runtime())
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

  private static Future<Response> answer(Response response) {
    answered.incrementAndGet();
    return Future.succeeded(response);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static final String[] CORPUS = {
      "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /hello HTTP/1.0\r\n\r\n",
      "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
      "POST /in HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "POST /in HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
      "GET /out HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /out HTTP/1.0\r\n\r\n",
      "GET http://other.example/hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /echo HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff1\r\nx\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n",
      "GET /hello HTTP/1.1\nHost: a\n\n",
      "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET /hello http/1.1\r\nHost: a\r\n\r\n",
      "GET /hello HTTP/2.0\r\nHost: a\r\n\r\n",
      "GET  /hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n",
      "\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /h%ZZello HTTP/1.1\r\nHost: a\r\n\r\n",
  };

  private static final String[] TOKENS = {
      "\r\n", "\n", "\r", " ", "\t", ":", ",", ";", "\u0000", "0\r\n\r\n", "Host: a\r\n", "Content-Length: 5\r\n",
      "Transfer-Encoding: chunked\r\n", "Content-Length: 0\r\n", "Connection: close\r\n", "Expect: 100-continue\r\n",
      "HTTP/1.1", "HTTP/1.0", "chunked", "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n", "5\r\nhello\r\n", "\u00ff", "%",
  };

  @Test
  void mutatedRequestsKeepEveryInvariant() throws Exception {
    Random random = new Random(SEED);
    List<byte[]> corpus = new ArrayList<>();
    for (String seed : CORPUS) {
      corpus.add(seed.getBytes(StandardCharsets.ISO_8859_1));
    }
    Set<String> outcomesSeen = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    int iterations = 0;
    try (LogCapture log = new LogCapture("dev.weft.http.server")) {
      while (iterations < MAX_ITERATIONS && System.nanoTime() - deadline < 0) {
        byte[] input = iterations < corpus.size() ? corpus.get(iterations) : mutate(corpus, random);
        String context = "seed " + SEED + ", iteration " + iterations + ", input " + escape(input);
        String outcome = checkOne(input, context);
        if (outcomesSeen.add(outcome) && corpus.size() < MAX_CORPUS) {
          corpus.add(input);
        }
        assertThat(log.at(Level.ERROR)).as("errors logged; %s", context).isEmpty();
        assertThat(log.warningsContaining("unexpected")).as("unexpected failures; %s", context).isEmpty();
        iterations++;
      }
    }
    assertThat(iterations).as("inputs tried in %d s", SECONDS).isGreaterThan(CORPUS.length);
    assertThat(outcomesSeen.size()).as("distinct outcomes seen (the mutator reaches many paths)").isGreaterThan(10);
  }

  /** Sends one input plus the sentinel, reads every response until the server closes, checks the invariants. */
  private static String checkOne(byte[] input, String context) throws Exception {
    int answeredBefore = answered.get();
    List<RawHttpClient.RawResponse> responses = new ArrayList<>();
    try (RawHttpClient client = new RawHttpClient(server.port())) {
      client.socket().setSoTimeout(3_000);
      try {
        client.send(concat(input, SENTINEL.getBytes(StandardCharsets.ISO_8859_1)));
      } catch (IOException closedEarly) {
        // the server refused and closed before the whole input was written: what it answered is still checked
      }
      while (true) {
        RawHttpClient.RawResponse response;
        try {
          response = client.readResponse();
        } catch (SocketTimeoutException silent) {
          throw new AssertionError("the server neither answered nor closed within 3 s; " + context, silent);
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
      assertThat(responses.get(0).status()).as("its status; %s", context).isEqualTo(400);
      assertThat(handlersAnswered).as("handlers run for an ambiguous frame; %s", context).isZero();
    }
    StringBuilder outcome = new StringBuilder();
    for (RawHttpClient.RawResponse response : responses) {
      outcome.append(response.status()).append(',');
    }
    return outcome.toString();
  }

  /** A first head with Content-Length and Transfer-Encoding, or two Content-Lengths: RFC 9112 §6.3's ambiguities. */
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

  private static byte[] mutate(List<byte[]> corpus, Random random) {
    byte[] input = corpus.get(random.nextInt(corpus.size()));
    int rounds = 1 + random.nextInt(3);
    for (int round = 0; round < rounds; round++) {
      int at = input.length == 0 ? 0 : random.nextInt(input.length);
      switch (random.nextInt(6)) {
        case 0 -> { // flip a byte
          if (input.length > 0) {
            input = input.clone();
            input[at] = (byte) random.nextInt(256);
          }
        }
        case 1 -> { // insert a token
          byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1);
          input = splice(input, at, at, token);
        }
        case 2 -> { // delete a range
          int end = Math.min(input.length, at + 1 + random.nextInt(8));
          input = splice(input, at, end, new byte[0]);
        }
        case 3 -> { // duplicate a range
          int end = Math.min(input.length, at + 1 + random.nextInt(40));
          byte[] copy = java.util.Arrays.copyOfRange(input, at, end);
          input = splice(input, end, end, copy);
        }
        case 4 -> { // splice with another input
          byte[] other = corpus.get(random.nextInt(corpus.size()));
          int from = other.length == 0 ? 0 : random.nextInt(other.length);
          input = concat(java.util.Arrays.copyOfRange(input, 0, at), java.util.Arrays.copyOfRange(other, from, other.length));
        }
        default -> { // change the case of a range
          int end = Math.min(input.length, at + 1 + random.nextInt(10));
          input = input.clone();
          for (int i = at; i < end; i++) {
            char c = (char) (input[i] & 0xff);
            input[i] = (byte) (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
          }
        }
      }
    }
    return input;
  }

  private static byte[] splice(byte[] input, int from, int to, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(input, 0, from);
    out.write(insert, 0, insert.length);
    out.write(input, to, input.length - to);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    return splice(first, first.length, first.length, second);
  }

  private static String escape(byte[] input) {
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
}
