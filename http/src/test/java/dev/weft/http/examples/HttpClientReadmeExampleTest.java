package dev.weft.http.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.http.client.HttpClient;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class HttpClientReadmeExampleTest {

  @Test
  void theReadmeClientFetchesBothPartsWithinTheGroupsDeadline() {
    try (AsyncRuntime runtime = AsyncRuntime.builder().loops(1).build();
         HttpServer server = HttpServer.builder(runtime)
             .route("GET", "/products/{id}", r -> r.pathParam("id").equals("slow")
                 ? r.loop().newPromise() // never answers
                 : Future.succeeded(Response.text("product " + r.pathParam("id"))))
             .route("GET", "/reviews/{id}", r -> Future.succeeded(Response.text("5 stars")))
             .start("127.0.0.1", 0).join();
         HttpClient client = HttpClientReadmeExample.newClient(runtime)) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(HttpClientReadmeExample.productPage(client, base, "42").join()).isEqualTo("product 42 | 5 stars");
      // a product service that never answers: the group's 2 s deadline ends the call, not the 5 s request timeout
      long start = System.nanoTime();
      assertThatThrownBy(() -> HttpClientReadmeExample.productPage(client, base, "slow").join())
          .isInstanceOf(TimeoutException.class);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_500);
    }
  }
}
