package dev.weft.benchmarks.jdbc;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.benchmarks.JdkFeatures;
import dev.weft.jdbc.JdbcOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;

/**
 * One row of the PostgreSQL scenario, in a JVM of its own (so that no other row's threads or
 * garbage count in its CPU time): starts the clients, lets them warm up, measures a fixed window,
 * and prints one {@code RESULT} line that {@link PgScenario} turns into the table.
 *
 * <p>Usage: {@code PgScenarioRow <row> <jdbc url> <warm-up s> <measured s> <clients> <pool size>}.
 */
public final class PgScenarioRow {
  private PgScenarioRow() {}

  /**
   * Runs one row.
   *
   * @param args row, JDBC URL, warm-up seconds, measured seconds, clients, pool size
   * @throws Exception if the row cannot run
   */
  public static void main(String[] args) throws Exception {
    String row = args[0];
    String url = args[1];
    Duration warmUp = Duration.ofSeconds(Long.parseLong(args[2]));
    Duration measured = Duration.ofSeconds(Long.parseLong(args[3]));
    int clients = Integer.parseInt(args[4]);
    int poolSize = Integer.parseInt(args[5]);
    long serverPid = Long.parseLong(System.getenv().getOrDefault("WEFT_PG_PID", "0"));

    PgLoad load = new PgLoad(20_000_000);
    PgClients clientsOfRow = clients(row, url, poolSize);
    try {
      clientsOfRow.start(clients, load);
      Thread.sleep(warmUp.toMillis());
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      threads.resetPeakThreadCount();
      long cpuBefore = os.getProcessCpuTime();
      long serverBefore = serverCpuNanos(serverPid);
      long startedAt = System.nanoTime();
      load.measuring(true);
      Thread.sleep(measured.toMillis());
      load.measuring(false);
      long elapsed = System.nanoTime() - startedAt;
      long cpu = os.getProcessCpuTime() - cpuBefore;
      long server = serverCpuNanos(serverPid) - serverBefore;
      int peakThreads = threads.getPeakThreadCount();
      clientsOfRow.stop();
      int completed = load.completedCount();
      System.out.println(String.format(Locale.ROOT,
          "RESULT row=%s completed=%d seconds=%.3f meanus=%.1f p50us=%.1f p99us=%.1f cpuUsPerUnit=%.1f serverCpuUsPerUnit=%.1f"
              + " peakThreads=%d failures=%d threads=%s",
          row, completed, elapsed / 1e9, load.meanMicros(), load.quantileMicros(0.50), load.quantileMicros(0.99),
          completed == 0 ? Double.NaN : cpu / 1_000.0 / completed,
          serverPid == 0 || completed == 0 ? Double.NaN : server / 1_000.0 / completed, peakThreads,
          load.failures(), clientsOfRow.threads().replace(' ', '_')));
      if (load.firstFailure() != null) {
        System.err.println("row " + row + ": first failure of " + load.failures() + ":");
        load.firstFailure().printStackTrace();
      }
    } finally {
      clientsOfRow.close();
    }
    System.exit(0); // Vert.x and HikariCP leave non-daemon threads behind for a moment
  }

  private static PgClients clients(String row, String url, int poolSize) {
    switch (row) {
      case "weft-async":
        return new WeftClients(WeftClients.Unit.ASYNC_TRANSACTION, hikari(url, poolSize),
            JdbcOptions.builder().name("scenario").build());
      case "weft-blocking":
        return new WeftClients(WeftClients.Unit.BLOCKING_TRANSACTION, hikari(url, poolSize),
            JdbcOptions.builder().name("scenario").build());
      case "weft-async-per-step":
        // the bridge before issue 13: a hand-off per step, and the pool's default 50 µs spin
        return new WeftClients(WeftClients.Unit.ASYNC_TRANSACTION, hikari(url, poolSize),
            JdbcOptions.builder().name("scenario").holdWorkerBetweenStatements(Duration.ZERO)
                .spinBeforePark(Duration.ofNanos(50_000)).build());
      case "hikari-platform":
        return new JdbcThreadClients(true, hikari(url, poolSize), Executors.newCachedThreadPool(), "platform_threads");
      case "hikari-virtual":
        return new JdbcThreadClients(true, hikari(url, poolSize), JdkFeatures.newVirtualThreadPerTaskExecutor(),
            "virtual_threads");
      case "vertx-pg":
        return new VertxPgClients(true, url, poolSize);
      case "select-jdbc":
        return new JdbcThreadClients(false, hikari(url, poolSize), Executors.newCachedThreadPool(), "platform_thread");
      case "select-weft":
        return new WeftClients(WeftClients.Unit.SELECT, hikari(url, poolSize),
            JdbcOptions.builder().name("scenario").build());
      case "select-vertx":
        return new VertxPgClients(false, url, poolSize);
      default:
        throw new IllegalArgumentException("unknown row '" + row + "'");
    }
  }

  static HikariDataSource hikari(String url, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setPoolName("scenario");
    return new HikariDataSource(config);
  }

  /** CPU time of the PostgreSQL server (postmaster and every process under it), from /proc. */
  private static long serverCpuNanos(long postmasterPid) {
    if (postmasterPid == 0) {
      return 0;
    }
    long[] ticks = {0};
    ProcessHandle.of(postmasterPid).ifPresent(postmaster -> {
      ticks[0] += ticks(postmaster.pid());
      postmaster.descendants().forEach(process -> ticks[0] += ticks(process.pid()));
    });
    return ticks[0] * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    } catch (IOException | RuntimeException gone) {
      return 0; // the process ended meanwhile
    }
  }
}
