package dev.weft.http.server;

import dev.weft.http.internal.server.ResponseBodies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Flow;

/**
 * An HTTP response: a status, headers, and a body that is either a byte array (sent with
 * {@code Content-Length}) or a {@link Flow.Publisher} of buffers (sent chunked, at the pace the
 * client reads).
 *
 * <p>Immutable: {@code with...} methods return a new response, so a response can be kept in a
 * constant and sent many times (a streaming response only once, since its publisher is consumed).
 * The server adds {@code Date}, {@code Content-Length} or {@code Transfer-Encoding}, and
 * {@code Connection}; those framing headers cannot be set by hand, which rules out a response that
 * lies about its own length.
 */
public final class Response {
  private static final String TEXT_PLAIN = "text/plain; charset=utf-8";
  private static final byte[] EMPTY = new byte[0];
  /** Headers the server owns: a handler that set them could break the message framing. */
  private static final Set<String> FRAMING_HEADERS =
      Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer");

  static {
    // the server writes the body without copying it; handlers only ever see copies
    ResponseBodies.install(response -> response.body);
  }

  private final int status;
  private final List<Map.Entry<String, String>> headers; // unmodifiable, in the order added
  private final byte[] body; // never null; empty when streaming
  private final Flow.Publisher<ByteBuffer> stream; // null unless streaming

  private Response(int status, List<Map.Entry<String, String>> headers, byte[] body, Flow.Publisher<ByteBuffer> stream) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.stream = stream;
  }

  /**
   * A {@code 200 OK} with a UTF-8 text body.
   *
   * @param body the text, not {@code null}
   * @return the response
   */
  public static Response text(String body) {
    return text(200, body);
  }

  /**
   * A response with a UTF-8 text body.
   *
   * @param status the status code, 200 to 599
   * @param body the text, not {@code null}
   * @return the response
   * @throws IllegalArgumentException if the status is out of range
   */
  public static Response text(int status, String body) {
    Objects.requireNonNull(body, "body");
    return new Response(checkStatus(status), List.of(Map.entry("content-type", TEXT_PLAIN)),
        body.getBytes(StandardCharsets.UTF_8), null);
  }

  /**
   * A {@code 200 OK} with a binary body.
   *
   * @param body the bytes, not {@code null}; the array is not copied, so do not change it later
   * @param contentType the {@code Content-Type}, e.g. {@code application/json}
   * @return the response
   */
  public static Response bytes(byte[] body, String contentType) {
    Objects.requireNonNull(body, "body");
    return new Response(200, List.of(header("content-type", contentType)), body, null);
  }

  /**
   * A response with no body.
   *
   * @param status the status code, 200 to 599
   * @return the response
   * @throws IllegalArgumentException if the status is out of range
   */
  public static Response status(int status) {
    return new Response(checkStatus(status), List.of(), EMPTY, null);
  }

  /**
   * A {@code 200 OK} whose body the server sends chunked as {@code body} publishes it. The server
   * subscribes once it writes the response, on the connection's loop; it requests one buffer at a
   * time and requests the next only while the connection can take more, so a slow client slows
   * the publisher down instead of filling memory. If the client goes away, the subscription is
   * cancelled. If the publisher fails, the response cannot be turned into an error any more: the
   * connection is closed, so the client sees a truncated body, and the failure is logged at ERROR.
   *
   * @param body the body's publisher; each buffer is read from its position to its limit and must
   *     not be changed after it was published
   * @param contentType the {@code Content-Type}
   * @return the response
   */
  public static Response stream(Flow.Publisher<ByteBuffer> body, String contentType) {
    Objects.requireNonNull(body, "body");
    return new Response(200, List.of(header("content-type", contentType)), EMPTY, body);
  }

  /**
   * A response like this one with another status.
   *
   * @param status the status code, 200 to 599
   * @return a new response
   * @throws IllegalArgumentException if the status is out of range
   */
  public Response withStatus(int status) {
    return new Response(checkStatus(status), headers, body, stream);
  }

  /**
   * A response like this one with one more header; a header of the same name is kept (use it for
   * headers that may repeat, such as {@code Set-Cookie}).
   *
   * @param name the header's name, a token (letters, digits, {@code !#$%&'*+-.^_`|~})
   * @param value the value, without control characters (CR and LF would split the response)
   * @return a new response
   * @throws IllegalArgumentException if the name or the value is not allowed, or the name is one of
   *     the framing headers the server sets ({@code Content-Length}, {@code Transfer-Encoding},
   *     {@code Connection}, {@code Keep-Alive}, {@code Upgrade}, {@code Trailer})
   */
  public Response withHeader(String name, String value) {
    List<Map.Entry<String, String>> more = new ArrayList<>(headers.size() + 1);
    more.addAll(headers);
    more.add(header(name, value));
    return new Response(status, List.copyOf(more), body, stream);
  }

  /**
   * A response like this one whose headers named {@code name} are replaced by one with
   * {@code value} (use it to change the {@code Content-Type}).
   *
   * @param name the header's name, as for {@link #withHeader}
   * @param value the value, as for {@link #withHeader}
   * @return a new response
   * @throws IllegalArgumentException as {@link #withHeader}
   */
  public Response withHeaderReplaced(String name, String value) {
    Map.Entry<String, String> replacement = header(name, value);
    List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size() + 1);
    for (Map.Entry<String, String> existing : headers) {
      if (!existing.getKey().equals(replacement.getKey())) {
        kept.add(existing);
      }
    }
    kept.add(replacement);
    return new Response(status, List.copyOf(kept), body, stream);
  }

  /**
   * The status code.
   *
   * @return 200 to 599
   */
  public int status() {
    return status;
  }

  /**
   * The first value of a header set on this response.
   *
   * @param name the header's name, any case
   * @return the value, or empty
   */
  public Optional<String> header(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return headers.stream().filter(entry -> entry.getKey().equals(key)).map(Map.Entry::getValue).findFirst();
  }

  /**
   * The headers set on this response, names in lower case, in the order they were added. The
   * server's own headers are not included.
   *
   * @return an unmodifiable list of name-value pairs
   */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /**
   * The body of a non-streaming response.
   *
   * @return a copy of the body; empty for a streaming response
   */
  public byte[] body() {
    return body.clone();
  }

  /**
   * The body's publisher, for a streaming response.
   *
   * @return the publisher, or empty for a response with a byte body
   */
  public Optional<Flow.Publisher<ByteBuffer>> stream() {
    return Optional.ofNullable(stream);
  }

  @Override
  public String toString() {
    return "Response[" + status + ", " + (stream != null ? "streamed body" : body.length + " bytes") + "]";
  }

  private static int checkStatus(int status) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status must be between 200 and 599 (was " + status + ")");
    }
    return status;
  }

  private static Map.Entry<String, String> header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || !name.chars().allMatch(Response::isTokenChar)) {
      throw new IllegalArgumentException("header name must be a non-empty token (was '" + name + "')");
    }
    String key = name.toLowerCase(Locale.ROOT);
    if (FRAMING_HEADERS.contains(key)) {
      throw new IllegalArgumentException("header '" + name + "' is set by the server from the body and the "
          + "connection's state; it cannot be set by a handler");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException("header '" + name + "' has a control or non-Latin-1 character at index "
            + i + " of its value; CR and LF would split the response");
      }
    }
    return Map.entry(key, value);
  }

  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
