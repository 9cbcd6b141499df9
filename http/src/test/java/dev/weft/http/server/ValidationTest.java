package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad settings, routes and responses fail where they are made, with messages that name the setting, value and range. */
class ValidationTest {
  private static final Handler OK = request -> Future.succeeded(Response.text("ok"));
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("validation").loops(1).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @Test
  void aLimitOutOfRangeFailsAtStartNamingSettingValueAndRange() {
    assertThatThrownBy(() -> HttpServer.builder(runtime).maxConcurrentRequests(0).start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentRequests must be between 1 and 1000000 (was 0)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).maxBodySize(-1).start("127.0.0.1", 0))
        .hasMessage("maxBodySize must be between 0 and 1073741824 bytes (was -1)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).maxHeaderSize(100).start("127.0.0.1", 0))
        .hasMessage("maxHeaderSize must be between 1024 and 1048576 bytes (was 100)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).maxInitialLineLength(10).start("127.0.0.1", 0))
        .hasMessage("maxInitialLineLength must be between 256 and 1048576 bytes (was 10)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).streamingBufferSize(1).start("127.0.0.1", 0))
        .hasMessage("streamingBufferSize must be between 1024 and 16777216 bytes (was 1)");
  }

  @Test
  void aDurationOutOfRangeFailsAtStart() {
    assertThatThrownBy(() -> HttpServer.builder(runtime).requestTimeout(Duration.ZERO).start("127.0.0.1", 0))
        .hasMessage("requestTimeout must be between PT0.001S and PT1H (was PT0S)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).idleTimeout(null).start("127.0.0.1", 0))
        .hasMessage("idleTimeout must be between PT0.001S and PT1H (was null)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).retryAfter(Duration.ofMillis(1500)).start("127.0.0.1", 0))
        .hasMessage("retryAfter must be whole seconds (was PT1.5S)");
    assertThatThrownBy(() -> HttpServer.builder(runtime).start("127.0.0.1", 70_000))
        .hasMessage("port must be between 0 and 65535 (was 70000)");
  }

  @Test
  void malformedRoutesFailWhereTheyAreDeclared() {
    assertThatThrownBy(() -> HttpServer.builder(runtime).route("GET", "users", OK))
        .hasMessage("path template must start with '/' (was 'users')");
    assertThatThrownBy(() -> HttpServer.builder(runtime).route("GET", "/users/x{id}", OK))
        .hasMessageContaining("a path parameter must be a whole segment");
    assertThatThrownBy(() -> HttpServer.builder(runtime).route("GET", "/a/{id}/b/{id}", OK))
        .hasMessageContaining("path parameter 'id' appears twice");
    assertThatThrownBy(() -> HttpServer.builder(runtime).route("get", "/a", OK))
        .hasMessageContaining("method must be upper-case letters");
    assertThatThrownBy(() -> HttpServer.builder(runtime).route("GET", "/a?x=1", OK))
        .hasMessageContaining("must not contain '?'");
  }

  @Test
  void theSameRouteTwiceIsRefusedEvenWithOtherParameterNames() {
    HttpServerBuilder builder = HttpServer.builder(runtime).route("GET", "/users/{id}", OK);

    assertThatThrownBy(() -> builder.route("GET", "/users/{name}", OK))
        .hasMessage("route GET /users/{name} is already declared as GET /users/{id}");
  }

  @Test
  void anUnknownBulkheadIsRefusedWhenRouted() {
    assertThatThrownBy(() -> HttpServer.builder(runtime).routeBlocking("GET", "/a", "nope", request -> null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }

  @Test
  void responsesRefuseFramingHeadersAndHeaderInjection() {
    assertThatThrownBy(() -> Response.text("x").withHeader("Content-Length", "1"))
        .hasMessageContaining("'Content-Length' is set by the server");
    assertThatThrownBy(() -> Response.text("x").withHeader("X-Evil", "a\r\nSet-Cookie: b"))
        .hasMessageContaining("control or non-Latin-1 character at index 1");
    assertThatThrownBy(() -> Response.text("x").withHeader("Bad Name", "v"))
        .hasMessage("header name must be a non-empty token (was 'Bad Name')");
    assertThatThrownBy(() -> Response.status(99)).hasMessage("status must be between 200 and 599 (was 99)");
  }

  @Test
  void responsesAreImmutableValues() {
    Response base = Response.text("x");
    Response changed = base.withStatus(201).withHeader("X-A", "1").withHeaderReplaced("Content-Type", "text/html");

    assertThat(base.status()).isEqualTo(200);
    assertThat(base.header("x-a")).isEmpty();
    assertThat(changed.status()).isEqualTo(201);
    assertThat(changed.header("X-A")).hasValue("1");
    assertThat(changed.header("content-type")).hasValue("text/html");
  }
}
