package dev.weft.http.server;

import dev.weft.Loop;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a handler sees it: the request line, the path parameters its route
 * matched, the query parameters, the headers and — for routes that aggregate — the body.
 *
 * <p>A request is immutable and safe to read from any thread. Header names are
 * case-insensitive. Path parameters are percent-decoded (UTF-8); query parameters are decoded as
 * {@code application/x-www-form-urlencoded} ({@code +} is a space).
 */
public interface Request {

  /**
   * The method, as sent: {@code GET}, {@code POST}, ….
   *
   * @return the method, upper case
   */
  String method();

  /**
   * The request target as sent: path and query, still percent-encoded.
   *
   * @return the target, e.g. {@code /users/42?verbose=true}
   */
  String uri();

  /**
   * The path of the request target, without the query, still percent-encoded.
   *
   * @return the path, e.g. {@code /users/42}
   */
  String path();

  /**
   * The authority the request is for, as RFC 9112 §3.2.2 defines it: the host and port of an
   * absolute-form target ({@code GET http://example.com/a HTTP/1.1}) when the request has one,
   * else the value of its {@code Host} header. The server has checked it: a request with no
   * {@code Host} (HTTP/1.1), more than one, or one that is not {@code host[:port]} was refused with
   * {@code 400} before any handler ran. Use this, not the {@code Host} header, to build links or
   * cache keys.
   *
   * @return the authority as sent, e.g. {@code example.com:8080}; empty only for an HTTP/1.0
   *     request without {@code Host}
   */
  String authority();

  /**
   * The value of a path parameter of the matched route's template.
   *
   * @param name the parameter's name in the template, e.g. {@code id} for {@code /users/{id}}
   * @return the decoded value
   * @throws IllegalArgumentException if the route's template has no such parameter (the message
   *     names the template's parameters)
   */
  String pathParam(String name);

  /**
   * All path parameters of the matched route.
   *
   * @return an unmodifiable map from name to decoded value, in template order
   */
  Map<String, String> pathParams();

  /**
   * The first value of a query parameter.
   *
   * @param name the parameter's name
   * @return its first value, or empty if absent
   */
  Optional<String> queryParam(String name);

  /**
   * All values of a query parameter, in the order sent.
   *
   * @param name the parameter's name
   * @return an unmodifiable list, empty if absent
   */
  List<String> queryParams(String name);

  /**
   * The first value of a header.
   *
   * @param name the header's name, any case
   * @return its first value, or empty if absent
   */
  Optional<String> header(String name);

  /**
   * All values of a header, in the order sent.
   *
   * @param name the header's name, any case
   * @return an unmodifiable list, empty if absent
   */
  List<String> headers(String name);

  /**
   * The body. Empty for a request without one, and for a streaming route, whose handler receives
   * the body as a publisher instead.
   *
   * @return a copy of the body's bytes
   */
  byte[] body();

  /**
   * The body decoded with the charset of its {@code Content-Type}, UTF-8 when none is given.
   *
   * @return the body as text
   */
  String bodyAsString();

  /**
   * The body decoded with {@code charset}.
   *
   * @param charset the charset
   * @return the body as text
   */
  String bodyAsString(Charset charset);

  /**
   * The address of the client (or of the last proxy).
   *
   * @return the remote address
   */
  InetSocketAddress remoteAddress();

  /**
   * The loop that serves this request's connection: async handlers run on it, and the futures of
   * blocking handlers are homed on it.
   *
   * @return the connection's loop
   */
  Loop loop();
}
