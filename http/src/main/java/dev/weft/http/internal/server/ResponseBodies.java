package dev.weft.http.internal.server;

import dev.weft.http.server.Response;
import java.util.function.Function;

/**
 * The server's access to a {@link Response}'s body without a copy. {@code Response} installs the
 * accessor when its class initializes, which happens before any response can reach the server.
 */
public final class ResponseBodies {
  private static volatile Function<Response, byte[]> access; // set once by Response's initializer

  private ResponseBodies() {}

  /**
   * Called by {@code Response} only.
   *
   * @param bodyAccess reads a response's body array
   */
  public static void install(Function<Response, byte[]> bodyAccess) {
    access = bodyAccess;
  }

  static byte[] body(Response response) {
    return access.apply(response);
  }
}
