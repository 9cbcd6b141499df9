package dev.weft.http.examples;

// The README's HTTP example, compiled and run by HttpReadmeExampleTest so it cannot rot.
import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.http.micrometer.HttpServerMeters;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.micrometer.AsyncRuntimeMeters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

public class HttpReadmeExample {
  /** Stands for a legacy blocking DAO. */
  static String findUser(String id) {
    return "user " + id;
  }

  static HttpServer start(AsyncRuntime runtime, int port, PrometheusMeterRegistry registry) {
    HttpServer server = HttpServer.builder(runtime)
        .route("GET", "/hello/{name}", request ->                  // async: runs on the connection's loop
            Future.succeeded(Response.text("hello " + request.pathParam("name"))))
        .routeBlocking("GET", "/users/{id}", request ->            // blocking: runs on a bounded pool
            Response.text(findUser(request.pathParam("id"))))
        .route("GET", "/metrics", request -> Future.succeeded(Response.text(registry.scrape())))
        .maxConcurrentRequests(256)                                // beyond it: 503 + Retry-After
        .requestTimeout(Duration.ofSeconds(5))                     // late handlers are cancelled
        .start("127.0.0.1", port)
        .join();
    new AsyncRuntimeMeters(runtime).bindTo(registry);              // loops, adapters, JDBC bridges
    new HttpServerMeters(server, "api").bindTo(registry);          // per route and status class
    return server;
  }

  public static void main(String[] args) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (AsyncRuntime runtime = AsyncRuntime.create();
         HttpServer server = start(runtime, 8080, registry)) {
      System.out.println("listening on " + server.port() + "; press Enter to stop");
      new java.util.Scanner(System.in).nextLine();
    }
  }
}
