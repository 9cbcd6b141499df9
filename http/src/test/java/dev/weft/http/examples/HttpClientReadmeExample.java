package dev.weft.http.examples;

// The README's HTTP client example, compiled and run by HttpClientReadmeExampleTest so it cannot rot.
import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import dev.weft.http.client.HttpClient;
import dev.weft.http.client.HttpResponse;
import java.time.Duration;
import java.util.List;

public class HttpClientReadmeExample {
  /** A product page from two services, fetched in parallel; the group's timeout bounds both calls. */
  static Future<String> productPage(HttpClient client, String base, String id) {
    return TaskGroup.builder().timeout(Duration.ofSeconds(2)).open(group -> {
      Future<HttpResponse> product = group.fork(() -> client.get(base + "/products/" + id));
      Future<HttpResponse> reviews = group.fork(() -> client.get(base + "/reviews/" + id));
      return Future.all(List.of(product, reviews))
          .map(both -> both.get(0).bodyAsString() + " | " + both.get(1).bodyAsString());
    });
  }

  static HttpClient newClient(AsyncRuntime runtime) {
    return HttpClient.builder(runtime)
        .maxConnectionsPerOrigin(32)                 // pooled, kept alive, per scheme+host+port
        .maxPendingRequests(256)                     // beyond it: a failed future, RejectedException
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(5))       // a TaskGroup's deadline shortens it
        .build();
  }
}
