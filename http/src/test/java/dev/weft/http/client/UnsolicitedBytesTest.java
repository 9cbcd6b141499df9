package dev.weft.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.future.Future;
import dev.weft.http.testing.ScriptedServer;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bytes a server sends that no request asked for (a response-splitting bug in a backend, a
 * desynchronised proxy) must never become another request's response: the connection that
 * carried them is closed, and the waiting request goes out on a fresh one.
 */
class UnsolicitedBytesTest {
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("unsolicited");

  private static final String POISON = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npoisoned";

  @Test
  void bytesAfterAResponseAreNeverHandedToTheNextWaitingRequest() throws Exception {
    CountDownLatch secondQueued = new CountDownLatch(1);
    try (ScriptedServer splitting = new ScriptedServer((socket, n) -> {
           InputStream in = socket.getInputStream();
           boolean first = n == 0;
           while (ScriptedServer.readHead(in) != null) {
             if (first) {
               first = false;
               secondQueued.await(5, TimeUnit.SECONDS);
               // one write: the first response and a second, unsolicited one behind it
               ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst" + POISON);
             } else {
               ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
             }
           }
         });
         HttpClient client = HttpClient.builder(weft.runtime()).maxConnectionsPerOrigin(1).build()) {
      String origin = "http://127.0.0.1:" + splitting.port();
      Future<HttpResponse> first = client.get(splitting.uri("/one"));
      Future<HttpResponse> second = client.get(splitting.uri("/two"));
      Polling.await("the second request waits for the only connection", Duration.ofSeconds(5),
          () -> client.metrics().origin(origin).map(o -> o.pendingRequests() == 1).orElse(false));
      secondQueued.countDown();

      assertThat(first.join(Duration.ofSeconds(10)).bodyAsString()).isEqualTo("first");
      assertThat(second.join(Duration.ofSeconds(10)).bodyAsString())
          .as("the waiting request's response, not the bytes nobody asked for").isEqualTo("second");
      assertThat(splitting.accepted).as("connections: the poisoned one was closed").hasValue(2);
    }
  }
}
