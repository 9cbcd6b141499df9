package dev.weft.http.internal.client;

import dev.weft.http.client.HttpResponseHead;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A response head as received. The Netty headers are never modified after the decoder made them
 * and are published through a promise (happens-before), so reading them from any thread is safe.
 */
class ReceivedHead implements HttpResponseHead {
  private final int status;
  private final HttpHeaders headers;
  private final URI uri;

  ReceivedHead(int status, HttpHeaders headers, URI uri) {
    this.status = status;
    this.headers = headers;
    this.uri = uri;
  }

  @Override
  public int status() {
    return status;
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
  public List<Map.Entry<String, String>> headers() {
    List<Map.Entry<String, String>> all = new ArrayList<>(headers.size());
    headers.forEach(e -> all.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue())));
    return Collections.unmodifiableList(all);
  }

  @Override
  public URI uri() {
    return uri;
  }

  Charset charset() {
    String contentType = headers.get("Content-Type");
    return contentType == null ? StandardCharsets.UTF_8 : HttpUtil.getCharset(contentType, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return status + " from " + uri;
  }
}
