package dev.weft.benchmarks.jdbc;

import dev.weft.benchmarks.JdkFeatures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL scenario of issue 13, on a real server that shares the machine's CPUs with the
 * client (that is the point: a client's overhead is taken from the database). Run it with
 * {@code scripts/pg-scenario.sh}.
 *
 * <p>Transactions: {@code clients} (64) concurrent clients each run, back to back for a fixed
 * time, a transaction that inserts a row and updates a counter (one per client), then commits; all
 * ways use a pool of {@code poolSize} (16) connections. Rows: Weft's bridge
 * ({@code inTransaction} with an async body, with today's defaults, and with the per-step
 * hand-off and 50 µs spin it had before issue 13; {@code inBlockingTransaction} with the same
 * statements as plain JDBC); plain JDBC on HikariCP from 64 platform threads
 * (the baseline) and from 64 virtual threads (JDK 21+); Vert.x's reactive PostgreSQL client. Then
 * the latency of a single {@code SELECT} by primary key, one in flight: plain JDBC on the calling
 * thread (baseline), Weft's {@code queryOne} from a loop, Vert.x.
 *
 * <p>Each row runs in a JVM of its own ({@link PgScenarioRow}), on freshly created tables, one
 * after the other in this run; each reports units completed per second, p50/p99 latency, the
 * client JVM's CPU time per unit, the server's CPU time per unit (from /proc, when
 * {@code WEFT_PG_PID} names the postmaster), and the JVM's peak thread count. Ratios are against
 * the baseline row of the same run.
 *
 * <p>Usage: {@code PgScenario [warm-up s] [measured s] [clients] [pool size]}, with
 * {@code WEFT_PG_URL} set.
 */
public final class PgScenario {
  private static final List<String> TRANSACTION_ROWS =
      List.of("hikari-platform", "weft-async", "weft-blocking", "weft-async-per-step", "hikari-virtual", "vertx-pg");
  private static final List<String> SELECT_ROWS = List.of("select-jdbc", "select-weft", "select-vertx");

  private PgScenario() {}

  /**
   * Runs every row and prints the tables.
   *
   * @param args warm-up seconds, measured seconds, clients, pool size (defaults 5, 15, 64, 16)
   * @throws Exception if a row fails
   */
  public static void main(String[] args) throws Exception {
    String url = System.getenv("WEFT_PG_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("WEFT_PG_URL is not set: run scripts/pg-scenario.sh, which starts the server");
    }
    String warmUp = args.length > 0 ? args[0] : "5";
    String measured = args.length > 1 ? args[1] : "15";
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    String poolSize = args.length > 3 ? args[3] : "16";

    Map<String, Map<String, String>> results = new LinkedHashMap<>();
    for (String row : TRANSACTION_ROWS) {
      results.put(row, runRow(row, url, warmUp, measured, Integer.toString(clients), poolSize, clients));
    }
    for (String row : SELECT_ROWS) {
      results.put(row, runRow(row, url, warmUp, measured, "1", poolSize, clients));
    }
    System.out.println();
    System.out.println("Transactions (insert + update + commit), " + clients + " clients, pool of " + poolSize
        + ", " + measured + " s measured after " + warmUp + " s warm-up; ratios against plain JDBC on platform"
        + " threads:");
    System.out.println();
    table(results, TRANSACTION_ROWS, "hikari-platform", "commits/s");
    System.out.println();
    System.out.println("A single SELECT by primary key, one in flight; ratios against plain JDBC on the calling thread:");
    System.out.println();
    table(results, SELECT_ROWS, "select-jdbc", "queries/s");
  }

  private static Map<String, String> runRow(String row, String url, String warmUp, String measured, String clients,
      String poolSize, int schemaClients) throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    if (row.equals("hikari-virtual") && JdkFeatures.virtualThreadsMissing().isPresent()) {
      result.put("unavailable", JdkFeatures.virtualThreadsMissing().get());
      return result;
    }
    PgSchema.reset(url, schemaClients);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xms1g", "-Xmx1g", "-cp",
        System.getProperty("java.class.path"), PgScenarioRow.class.getName(), row, url, warmUp, measured, clients,
        poolSize));
    System.err.println("pg-scenario: " + row + " ...");
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          for (String field : line.substring("RESULT ".length()).split(" ")) {
            int equals = field.indexOf('=');
            result.put(field.substring(0, equals), field.substring(equals + 1).replace('_', ' '));
          }
          System.err.println("pg-scenario: " + line);
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || result.isEmpty()) {
      throw new IllegalStateException("row " + row + " failed (exit " + exit + ")");
    }
    return result;
  }

  private static void table(Map<String, Map<String, String>> results, List<String> rows, String baseline,
      String unit) {
    Map<String, String> base = results.get(baseline);
    System.out.println("| row | " + unit + " | vs baseline | mean µs | p50 µs | vs | p99 µs | vs | client CPU µs/unit"
        + " | vs | server CPU µs/unit | peak threads | failures |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (String row : rows) {
      Map<String, String> r = results.get(row);
      if (r.containsKey("unavailable")) {
        System.out.println("| " + row + " | unavailable: " + r.get("unavailable") + " |  |  |  |  |  |  |  |  |  |  |  |");
        continue;
      }
      double rate = rate(r);
      System.out.println(String.format(Locale.ROOT,
          "| %s | %.0f | %.2fx | %.0f | %.0f | %.2fx | %.0f | %.2fx | %.0f | %.2fx | %.0f | %s | %s |", row, rate,
          rate / rate(base), num(r, "meanus"), num(r, "p50us"), num(r, "p50us") / num(base, "p50us"), num(r, "p99us"),
          num(r, "p99us") / num(base, "p99us"), num(r, "cpuUsPerUnit"),
          num(r, "cpuUsPerUnit") / num(base, "cpuUsPerUnit"), num(r, "serverCpuUsPerUnit"), r.get("peakThreads"),
          r.get("failures")));
    }
  }

  private static double rate(Map<String, String> result) {
    return num(result, "completed") / num(result, "seconds");
  }

  private static double num(Map<String, String> result, String key) {
    return Double.parseDouble(result.get(key));
  }
}
