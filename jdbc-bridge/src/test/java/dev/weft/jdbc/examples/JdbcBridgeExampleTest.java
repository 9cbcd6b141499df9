package dev.weft.jdbc.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.jdbc.AsyncJdbc;
import dev.weft.jdbc.examples.JdbcBridgeExample.Account;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcBridgeExampleTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private AsyncRuntime runtime;
  private HikariDataSource pool;
  private AsyncJdbc db;

  @BeforeEach
  void open() throws Exception {
    runtime = AsyncRuntime.builder().name("jdbc-example").loops(1).build();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:example-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(4);
    pool = new HikariDataSource(config);
    db = AsyncJdbc.create(runtime, pool); // sized by the pool: 4 connections, 4 threads
    db.update("CREATE TABLE accounts(id BIGINT PRIMARY KEY, owner VARCHAR(20) UNIQUE, balance BIGINT)").join(TIMEOUT);
    db.batch("INSERT INTO accounts VALUES (?, ?, ?)",
        List.of(new Object[] {1L, "ada", 100L}, new Object[] {2L, "grace", 50L})).join(TIMEOUT);
  }

  @AfterEach
  void close() {
    db.close();
    runtime.close();
    pool.close();
  }

  @Test
  void transferMovesTheMoneyAndReturnsTheNewBalance() throws Exception {
    assertThat(JdbcBridgeExample.transfer(db, 1, 2, 30).join(TIMEOUT)).isEqualTo(70L);
    assertThat(JdbcBridgeExample.sumByStreaming(db).get(10, TimeUnit.SECONDS)).isEqualTo(150L);
  }

  @Test
  void aRefusedTransferChangesNothing() throws Exception {
    Future<Long> refused = JdbcBridgeExample.transfer(db, 2, 1, 80);

    assertThatThrownBy(() -> refused.join(TIMEOUT)).hasMessage("insufficient funds: 50 < 80");
    assertThat(JdbcBridgeExample.findQuickly(db, "grace").join(TIMEOUT)).contains(new Account(2, "grace", 50));
  }

  @Test
  void theDeadlineExamplesAnswerInTime() throws Exception {
    assertThat(JdbcBridgeExample.findQuickly(db, "nobody").join(TIMEOUT)).isEmpty();
    assertThat(JdbcBridgeExample.countWithin(db, Duration.ofSeconds(1)).join(TIMEOUT)).isEqualTo(2L);
  }

  @Test
  void describeShowsTheSqlStateAndTheSql() {
    Future<Integer> duplicate = db.update("INSERT INTO accounts VALUES (3, 'ada', 0)");

    assertThatThrownBy(() -> duplicate.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .satisfies(failure -> assertThat(JdbcBridgeExample.describe(failure))
            .isEqualTo("SQLState 23505 from INSERT INTO accounts VALUES (3, 'ada', 0)"));
  }
}
