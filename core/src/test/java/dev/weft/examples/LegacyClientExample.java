package dev.weft.examples;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.future.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The example of docs/wrapping-legacy-clients.md, compiled and run by its test: a blocking HTTP
 * client built on {@link HttpURLConnection}, wrapped into an asynchronous one by interface.
 */
public final class LegacyClientExample {
  private LegacyClientExample() {}

  /** The legacy client: blocking, as most SDKs are. */
  public static final class QuoteClient {
    private final URI base;

    public QuoteClient(URI base) {
      this.base = base;
    }

    public String quote(String symbol) throws IOException {
      HttpURLConnection connection = (HttpURLConnection) base.resolve("/quote/" + symbol).toURL().openConnection();
      connection.setConnectTimeout(2_000);
      connection.setReadTimeout(5_000);
      try (InputStream body = connection.getInputStream()) {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        connection.disconnect();
      }
    }
  }

  /** Its asynchronous twin: same methods, results as futures. */
  public interface AsyncQuoteClient {
    Future<String> quote(String symbol);
  }

  /**
   * Quotes two symbols at once through a bulkhead of 8 threads.
   *
   * @param quoteService where the quote service listens
   * @return the two quotes joined by a comma
   * @throws Exception if a quote fails
   */
  public static String quoteTwo(URI quoteService) throws Exception {
    return AsyncRuntime.builder()
        .bulkhead(Adapters.boundedPool("quotes").maxThreads(8).maxQueue(64))
        .run(runtime -> {
          AsyncQuoteClient quotes = Adapters.proxy(
              AsyncQuoteClient.class, new QuoteClient(quoteService), runtime.adapter("quotes"));
          Future<String> acme = quotes.quote("ACME").orTimeout(Duration.ofSeconds(2));
          Future<String> initech = quotes.quote("INTC").orTimeout(Duration.ofSeconds(2));
          return Future.all(java.util.List.of(acme, initech)).map(both -> String.join(",", both));
        });
  }
}
