package dev.weft.http.client;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status line and headers of a response received by {@link HttpClient}. Header names are
 * case-insensitive. Immutable and safe to read from any thread.
 */
public interface HttpResponseHead {

  /**
   * The status code.
   *
   * @return e.g. {@code 200}
   */
  int status();

  /**
   * The first value of a header.
   *
   * @param name the header's name, any case
   * @return its first value, or empty
   */
  Optional<String> header(String name);

  /**
   * All values of a header, in the order received.
   *
   * @param name the header's name, any case
   * @return an unmodifiable list, empty if absent
   */
  List<String> headers(String name);

  /**
   * All headers, in the order received.
   *
   * @return an unmodifiable list of name-value pairs
   */
  List<Map.Entry<String, String>> headers();

  /**
   * The URI that answered: the request's, or the last redirect's target when redirects are
   * followed.
   *
   * @return the URI
   */
  URI uri();
}
