package dev.weft.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpClientSmokeTest {
  @Test
  void getAndPost() {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("smoke").loops(2).build();
         HttpServer server = HttpServer.builder(runtime)
             .route("GET", "/hello", r -> Future.succeeded(Response.text("hello")))
             .route("POST", "/echo", r -> Future.succeeded(Response.bytes(r.body(), "application/octet-stream")))
             .start("127.0.0.1", 0).join();
         HttpClient client = HttpClient.builder(runtime).build()) {
      String base = "http://127.0.0.1:" + server.port();
      for (int i = 0; i < 20; i++) {
        HttpResponse response = client.get(base + "/hello").join();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("hello");
      }
      HttpResponse echoed = client.send(HttpRequest.post(URI.create(base + "/echo"),
          "ping".getBytes(StandardCharsets.UTF_8), "text/plain")).join();
      assertThat(echoed.bodyAsString()).isEqualTo("ping");
      assertThat(client.metrics().origins().get(0).connectionsOpened()).isEqualTo(1);
      System.out.println(client.metrics());
    }
  }
}
