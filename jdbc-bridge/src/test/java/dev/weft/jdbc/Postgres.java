package dev.weft.jdbc;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the PostgreSQL integration tests find their server: {@code -Dweft.pg.url}, else the
 * {@code WEFT_PG_URL} environment variable (what {@code scripts/postgres.sh env} exports and
 * {@code scripts/test.sh} passes on). Without either, the tests are skipped with the reason
 * (printed once, and attached to each skipped test), unless {@code WEFT_PG_REQUIRED=1} (CI), which
 * makes a missing server a failure.
 */
final class Postgres {
  private static final String URL = find();

  private Postgres() {}

  /** The URL, or null when the tests are to be skipped. */
  static String url() {
    return URL;
  }

  /**
   * The pid of the server's postmaster ({@code WEFT_PG_PID}, exported by
   * {@code scripts/postgres.sh env}), for tests that freeze the server; skips the test when it is
   * not known (a server given by URL only), or fails under {@code WEFT_PG_REQUIRED=1}.
   */
  static long assumeServerPid() {
    assumeAvailable();
    String pid = System.getProperty("weft.pg.pid");
    if (pid == null || pid.isBlank()) {
      pid = System.getenv("WEFT_PG_PID");
    }
    if (pid == null || pid.isBlank()) {
      String reason = "WEFT_PG_PID is not set: the test freezes this checkout's own server (scripts/postgres.sh"
          + " env exports its pid), never one given by URL only";
      if ("1".equals(System.getenv("WEFT_PG_REQUIRED"))) {
        throw new IllegalStateException("WEFT_PG_REQUIRED=1, but " + reason);
      }
      Assumptions.assumeTrue(false, reason);
    }
    return Long.parseLong(pid.trim());
  }

  /** In a {@code @BeforeEach}: skips the test, with the reason, when there is no server. */
  static void assumeAvailable() {
    Assumptions.assumeTrue(URL != null, Postgres::reason);
  }

  private static String find() {
    String url = System.getProperty("weft.pg.url");
    if (url == null || url.isBlank()) {
      url = System.getenv("WEFT_PG_URL");
    }
    if (url != null && !url.isBlank()) {
      return url;
    }
    if ("1".equals(System.getenv("WEFT_PG_REQUIRED"))) {
      throw new IllegalStateException("WEFT_PG_REQUIRED=1, but " + reason());
    }
    System.err.println("SKIPPED: the PostgreSQL integration tests, because " + reason());
    return null;
  }

  private static String reason() {
    String why = System.getenv("WEFT_PG_UNAVAILABLE");
    return "there is no PostgreSQL server for them" + (why == null || why.isBlank() ? "" : " (" + why + ")")
        + ": run them with scripts/test.sh, which starts one with scripts/postgres.sh, or set WEFT_PG_URL"
        + " (or -Dweft.pg.url) to a jdbc:postgresql:// URL";
  }
}
