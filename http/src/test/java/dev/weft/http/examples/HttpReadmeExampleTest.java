package dev.weft.http.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.http.server.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;

class HttpReadmeExampleTest {

  @Test
  void theReadmeServerAnswersBothRoutes() throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().loops(1).build();
         HttpServer server = HttpReadmeExample.start(runtime, 0)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();

      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/hello/ada")).build(), BodyHandlers.ofString())
          .body()).isEqualTo("hello ada");
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/users/7")).build(), BodyHandlers.ofString())
          .body()).isEqualTo("user 7");
    }
  }
}
