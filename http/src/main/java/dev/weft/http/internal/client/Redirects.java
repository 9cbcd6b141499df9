package dev.weft.http.internal.client;

import dev.weft.http.client.HttpClientException;
import dev.weft.http.client.HttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;

/** Decides whether a response is a redirect to follow, and builds the request that follows it. */
final class Redirects {
  private Redirects() {}

  /**
   * The request to send next, or null to return this response as it is.
   *
   * @throws HttpClientException TOO_MANY_REDIRECTS when one more hop would pass the limit
   */
  static HttpRequest next(Call<?> call, OriginPool pool, HttpRequest request, int status, HttpHeaders headers)
      throws HttpClientException {
    int maxHops = pool.settings().maxRedirects();
    String location = headers.get("Location");
    if (maxHops == 0 || location == null || !isRedirect(status)) {
      return null;
    }
    URI target;
    try {
      target = request.uri().resolve(location.trim());
    } catch (IllegalArgumentException malformed) {
      return null; // a Location we cannot read: the caller gets the redirect itself
    }
    String scheme = target.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || target.getHost() == null) {
      return null;
    }
    boolean toGet = status == 303 && !request.method().equals("HEAD")
        || (status == 301 || status == 302) && request.method().equals("POST");
    if (!toGet && request.bodyPublisher().isPresent()) {
      return null; // a streamed body cannot be sent twice
    }
    if (call.redirects >= maxHops) {
      throw new HttpClientException(HttpClientException.Kind.TOO_MANY_REDIRECTS, pool.origin().toString(),
          request.method() + " " + request.uri() + ": more than " + maxHops + " redirects (followRedirects); the last, "
              + status + ", pointed to " + target, null);
    }
    HttpRequest.Builder next = request.toBuilder().uri(target);
    if (toGet) {
      next.method("GET").noBody();
    }
    if (!Origin.of(target).equals(Origin.of(request.uri()))) {
      next.removeHeaders("Authorization").removeHeaders("Cookie");
    }
    next.removeHeaders("Host");
    return next.build();
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }
}
