package dev.weft.http.internal.server;

import dev.weft.Loop;
import dev.weft.http.server.Request;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request as handlers see it. Immutable after construction; the query string is decoded on
 * first use, which is a benign race (every thread decodes the same map).
 */
final class DefaultRequest implements Request {
  private static final byte[] NO_BODY = new byte[0];

  private final String method;
  private final String uri;
  private final String path;
  private final String authority; // checked by RequestAuthority; empty only for HTTP/1.0 without Host
  private final HttpHeaders headers; // Netty's decoded headers: plain strings, no buffers to release
  private final Map<String, String> pathParams; // unmodifiable
  private final String template; // the matched route's template, for error messages
  private final byte[] body; // never null
  private final InetSocketAddress remoteAddress;
  private final Loop loop;
  private volatile Map<String, List<String>> query; // decoded on first use

  DefaultRequest(String method, String uri, String path, String authority, HttpHeaders headers, Map<String, String> pathParams,
      String template, byte[] body, InetSocketAddress remoteAddress, Loop loop) {
    this.method = method;
    this.uri = uri;
    this.path = path;
    this.authority = authority;
    this.headers = headers;
    this.pathParams = Collections.unmodifiableMap(pathParams);
    this.template = template;
    this.body = body == null ? NO_BODY : body;
    this.remoteAddress = remoteAddress;
    this.loop = loop;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String pathParam(String name) {
    String value = pathParams.get(name);
    if (value == null) {
      throw new IllegalArgumentException("route " + template + " has no path parameter '" + name + "'; it has "
          + pathParams.keySet());
    }
    return value;
  }

  @Override
  public Map<String, String> pathParams() {
    return pathParams;
  }

  @Override
  public Optional<String> queryParam(String name) {
    List<String> values = query().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public List<String> queryParams(String name) {
    List<String> values = query().get(name);
    return values == null ? List.of() : Collections.unmodifiableList(values);
  }

  private Map<String, List<String>> query() {
    Map<String, List<String>> decoded = query;
    if (decoded == null) {
      decoded = new QueryStringDecoder(uri).parameters();
      query = decoded;
    }
    return decoded;
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  @Override
  public List<String> headers(String name) {
    return Collections.unmodifiableList(headers.getAll(name));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String bodyAsString() {
    return bodyAsString(charset());
  }

  @Override
  public String bodyAsString(Charset charset) {
    return new String(body, charset);
  }

  private Charset charset() {
    String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (contentType != null) {
      for (String parameter : contentType.split(";")) {
        String trimmed = parameter.trim();
        if (trimmed.regionMatches(true, 0, "charset=", 0, 8)) {
          try {
            return Charset.forName(trimmed.substring(8).replace("\"", "").trim());
          } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            return StandardCharsets.UTF_8;
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public Loop loop() {
    return loop;
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}
