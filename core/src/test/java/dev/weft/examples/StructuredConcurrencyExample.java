package dev.weft.examples;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import java.time.Duration;
import java.util.List;

/**
 * The example of docs/structured-concurrency.md, compiled and run by its test: a product page
 * built from a blocking catalogue lookup and an asynchronous reviews call, all or nothing, within
 * 500 ms.
 */
public final class StructuredConcurrencyExample {
  private StructuredConcurrencyExample() {}

  /** A legacy, blocking catalogue. */
  public interface Catalog {
    String productName(long id) throws Exception;
  }

  /**
   * Renders one product page.
   *
   * @param catalog the blocking catalogue
   * @param reviewsDelay how long the (simulated) asynchronous reviews service takes
   * @return the page
   * @throws Exception the first failure, or a TimeoutException naming the group
   */
  public static String productPage(Catalog catalog, Duration reviewsDelay) throws Exception {
    return AsyncRuntime.run(runtime ->
        TaskGroup.builder().name("product-page").timeout(Duration.ofMillis(500)).open(group -> {
          Future<String> name = group.forkBlocking(() -> catalog.productName(42));
          Future<List<String>> reviews = group.fork(() ->
              runtime.nextLoop().schedule(reviewsDelay, () -> List.of("great", "fine")));
          return name.flatMap(n -> reviews.map(r -> n + " " + r));
        }));
  }
}
