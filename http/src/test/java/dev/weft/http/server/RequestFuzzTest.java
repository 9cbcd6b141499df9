package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.testing.WeftRuntimeExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A seeded, feedback-guided random mutator over a corpus of valid, malformed and ambiguous
 * requests, sent over raw sockets for a bounded time; every input must keep the invariants of
 * {@link InvariantCheckingServer}. The corpus grows with inputs whose outcome (the statuses
 * answered) was not seen before: a cheap behavioural guidance that runs in every build, next to the
 * coverage-guided {@link RequestCoverageFuzzTest}. {@code -Dweft.fuzz.seed} and
 * {@code -Dweft.fuzz.seconds} (default 15) replay or lengthen a run; a failure names the seed, the
 * iteration and the input.
 */
class RequestFuzzTest {
  private static final long SEED = Long.getLong("weft.fuzz.seed", 14L);
  private static final long SECONDS = Long.getLong("weft.fuzz.seconds", 15L);
  private static final int MAX_ITERATIONS = 20_000;
  private static final int MAX_CORPUS = 400;

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("fuzz");

  private static InvariantCheckingServer server;

  @BeforeAll
  static void start() {
    server = new InvariantCheckingServer(weft.runtime());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static final String[] CORPUS = {
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
    while (iterations < MAX_ITERATIONS && System.nanoTime() - deadline < 0) {
      byte[] input = iterations < corpus.size() ? corpus.get(iterations) : mutate(corpus, random);
      String outcome = server.check(input, "seed " + SEED + ", iteration " + iterations + ", input "
          + InvariantCheckingServer.escape(input));
      if (outcomesSeen.add(outcome) && corpus.size() < MAX_CORPUS) {
        corpus.add(input);
      }
      iterations++;
    }
    assertThat(iterations).as("inputs tried in %d s", SECONDS).isGreaterThan(CORPUS.length);
    assertThat(outcomesSeen.size()).as("distinct outcomes seen (the mutator reaches many paths)").isGreaterThan(10);
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
          byte[] copy = Arrays.copyOfRange(input, at, end);
          input = splice(input, end, end, copy);
        }
        case 4 -> { // splice with another input
          byte[] other = corpus.get(random.nextInt(corpus.size()));
          int from = other.length == 0 ? 0 : random.nextInt(other.length);
          input = InvariantCheckingServer.concat(Arrays.copyOfRange(input, 0, at), Arrays.copyOfRange(other, from, other.length));
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
}
