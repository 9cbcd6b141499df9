package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.AdapterStats;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The options' validation, and how a bridge sizes itself. */
class JdbcOptionsTest {
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-options").loops(1).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @Test
  void defaultsAreDocumented() {
    JdbcOptions defaults = JdbcOptions.defaults();

    assertThat(defaults.name()).isEqualTo("jdbc");
    assertThat(defaults.maxConnections()).isEmpty();
    assertThat(defaults.maxQueue()).isEqualTo(1_000);
    assertThat(defaults.fetchSize()).isEqualTo(500);
    assertThat(defaults.spinBeforePark()).isEqualTo(Duration.ZERO);
    assertThat(defaults.holdWorkerBetweenStatements()).isEqualTo(Duration.ofMillis(10));
    assertThat(defaults.abortConnectionAfter()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theWorkerPoolsDurationsOutOfRangeAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> JdbcOptions.builder().spinBeforePark(Duration.ofMillis(11)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("spinBeforePark must be between");
    assertThatThrownBy(() -> JdbcOptions.builder().holdWorkerBetweenStatements(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("holdWorkerBetweenStatements must be between");
    assertThatThrownBy(() -> JdbcOptions.builder().abortConnectionAfter(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("abortConnectionAfter must be between");
  }

  @Test
  void aBadNameIsRefusedNamingTheSettingAndValue() {
    assertThatThrownBy(() -> JdbcOptions.builder().name("orders db").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be 1 to 57 letters, digits, '-', '_' or '.' (was 'orders db')");
  }

  @Test
  void maxConnectionsOutOfRangeIsRefused() {
    assertThatThrownBy(() -> JdbcOptions.builder().maxConnections(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnections must be between 1 and 10000 (was 0)");
  }

  @Test
  void maxQueueOutOfRangeIsRefused() {
    assertThatThrownBy(() -> JdbcOptions.builder().maxQueue(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueue must be between 0 and 1000000 (was -1)");
  }

  @Test
  void fetchSizeOutOfRangeIsRefused() {
    assertThatThrownBy(() -> JdbcOptions.builder().fetchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fetchSize must be between 1 and 100000 (was 0)");
  }

  @Test
  void aHikariPoolSizesTheBridgeByItsMaximumPoolSize() {
    try (H2Pool h2 = new H2Pool(7); AsyncJdbc jdbc = AsyncJdbc.create(runtime, h2.dataSource,
        JdbcOptions.builder().name("sized-by-hikari").build())) {
      AdapterStats statements = runtime.adapter("sized-by-hikari").stats();

      assertThat(jdbc.maxConnections()).isEqualTo(7);
      assertThat(statements.maxConcurrency()).as("worker threads, one per connection").isEqualTo(7);
    }
  }

  @Test
  void anExplicitMaxConnectionsWins() {
    try (H2Pool h2 = new H2Pool(7); AsyncJdbc jdbc = AsyncJdbc.create(runtime, h2.dataSource,
        JdbcOptions.builder().name("sized-explicitly").maxConnections(3).build())) {
      assertThat(jdbc.maxConnections()).isEqualTo(3);
    }
  }

  @Test
  void aDataSourceThatDoesNotTellItsSizeNeedsMaxConnections() {
    JdbcDataSource plain = new JdbcDataSource();
    plain.setURL("jdbc:h2:mem:options");

    assertThatThrownBy(() -> AsyncJdbc.create(runtime, plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnections is not set, and org.h2.jdbcx.JdbcDataSource does not tell its maximum pool size (it"
            + " has no public int getMaximumPoolSize(), as HikariCP has); set JdbcOptions.builder().maxConnections(n)"
            + " to the number of connections it can give at once");
  }

  @Test
  void theBridgesAdaptersAppearInTheRuntimesMetrics() {
    JdbcDataSource plain = new JdbcDataSource();
    plain.setURL("jdbc:h2:mem:options");
    try (AsyncJdbc jdbc = AsyncJdbc.create(runtime, plain,
        JdbcOptions.builder().name("listed").maxConnections(2).build())) {
      assertThat(runtime.metrics().adapters()).extracting(AdapterStats::name).contains(jdbc.name(), "listed-cancel");
    }
  }

  @Test
  void twoBridgesOnOneRuntimeNeedDistinctNames() {
    JdbcDataSource plain = new JdbcDataSource();
    plain.setURL("jdbc:h2:mem:options");
    try (AsyncJdbc first = AsyncJdbc.create(runtime, plain, JdbcOptions.builder().name("twice").maxConnections(1).build())) {
      assertThatThrownBy(() -> AsyncJdbc.create(runtime, plain,
          JdbcOptions.builder().name("twice").maxConnections(1).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already has an adapter named 'twice'");
      assertThat(first.name()).isEqualTo("twice");
    }
  }
}
