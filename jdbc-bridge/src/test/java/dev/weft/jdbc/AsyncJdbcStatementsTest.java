package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plain statements on H2: what each returns, how parameters bind, where callbacks run. */
class AsyncJdbcStatementsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static AsyncRuntime runtime;

  private H2Pool h2;
  private AsyncJdbc jdbc;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-statements").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @BeforeEach
  void openDatabase() {
    h2 = new H2Pool(4);
    h2.execute("CREATE TABLE users(id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), age INT, born DATE)",
        "INSERT INTO users(name, age) VALUES ('ada', 36), ('grace', 85), ('edsger', 72)");
    jdbc = AsyncJdbc.create(runtime, h2.dataSource, JdbcOptions.builder().name("stmt-" + NAMES.incrementAndGet()).build());
  }

  @AfterEach
  void closeDatabase() {
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
  }

  @Test
  void queryMapsEveryRowInOrder() throws Exception {
    List<String> names = jdbc.query("SELECT name FROM users WHERE age > ? ORDER BY age", row -> row.getString(1), 40)
        .join(TIMEOUT);

    assertThat(names).containsExactly("edsger", "grace");
  }

  @Test
  void queryOfNoRowsGivesAnEmptyList() throws Exception {
    assertThat(jdbc.query("SELECT name FROM users WHERE age > 200", row -> row.getString(1)).join(TIMEOUT)).isEmpty();
  }

  @Test
  void queryResultIsUnmodifiable() throws Exception {
    List<String> names = jdbc.query("SELECT name FROM users", row -> row.getString(1)).join(TIMEOUT);

    assertThatThrownBy(() -> names.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void queryOneReturnsTheSingleRow() throws Exception {
    int age = jdbc.queryOne("SELECT age FROM users WHERE name = ?", row -> row.getInt(1), "ada").join(TIMEOUT);

    assertThat(age).isEqualTo(36);
  }

  @Test
  void queryOneOfNoRowFailsWithNoSuchElement() {
    Future<String> none = jdbc.queryOne("SELECT name FROM users WHERE age > 200", row -> row.getString(1));

    assertThatThrownBy(() -> none.join(TIMEOUT)).isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("expected exactly one row, the query returned none");
  }

  @Test
  void queryOneOfSeveralRowsFailsWithIllegalState() {
    Future<String> several = jdbc.queryOne("SELECT name FROM users", row -> row.getString(1));

    assertThatThrownBy(() -> several.join(TIMEOUT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned more");
  }

  @Test
  void queryOptionalIsEmptyWithoutARowAndPresentWithOne() throws Exception {
    Future<Optional<Integer>> none = jdbc.queryOptional("SELECT age FROM users WHERE name = ?", row -> row.getInt(1), "x");
    Future<Optional<Integer>> one = jdbc.queryOptional("SELECT age FROM users WHERE name = ?", row -> row.getInt(1), "ada");

    assertThat(none.join(TIMEOUT)).isEmpty();
    assertThat(one.join(TIMEOUT)).contains(36);
  }

  @Test
  void updateReturnsTheNumberOfRowsChanged() throws Exception {
    int changed = jdbc.update("UPDATE users SET age = age + 1 WHERE age > ?", 50).join(TIMEOUT);

    assertThat(changed).isEqualTo(2);
    assertThat(h2.count("SELECT SUM(age) FROM users")).isEqualTo(36 + 86 + 73);
  }

  @Test
  void updateReturningKeysMapsTheGeneratedKeys() throws Exception {
    List<Long> keys = jdbc.updateReturningKeys("INSERT INTO users(name, age) VALUES (?, ?)", row -> row.getLong("id"),
        "barbara", 80).join(TIMEOUT);

    assertThat(keys).containsExactly(4L);
  }

  @Test
  void batchRunsEveryRowAndReturnsTheirCounts() throws Exception {
    List<Object[]> rows = List.of(new Object[] {"alan", 41}, new Object[] {"john", 58}, new Object[] {"tony", 90});

    int[] counts = jdbc.batch("INSERT INTO users(name, age) VALUES (?, ?)", rows).join(TIMEOUT);

    assertThat(counts).containsExactly(1, 1, 1);
    assertThat(h2.count("SELECT COUNT(*) FROM users")).isEqualTo(6);
  }

  @Test
  void nullParametersAreBoundWithTheColumnsType() throws Exception {
    jdbc.update("INSERT INTO users(name, age, born) VALUES (?, ?, ?)", "nobody", null, null).join(TIMEOUT);

    long nulls = jdbc.queryOne("SELECT COUNT(*) FROM users WHERE name = ? AND age IS NULL AND born IS NULL",
        row -> row.getLong(1), "nobody").join(TIMEOUT);
    assertThat(nulls).isEqualTo(1);
  }

  @Test
  void aNullArrayCountsAsOneNullParameter() throws Exception {
    Object[] noArray = null;

    long nullAges = jdbc.queryOne("SELECT COUNT(*) FROM users WHERE age IS NOT DISTINCT FROM ?", row -> row.getLong(1),
        noArray).join(TIMEOUT);

    assertThat(nullAges).isZero();
  }

  @Test
  void nullsInABatchAreTypedToo() throws Exception {
    List<Object[]> rows = List.of(new Object[] {"a", null}, new Object[] {null, 3});

    jdbc.batch("INSERT INTO users(name, age) VALUES (?, ?)", rows).join(TIMEOUT);

    assertThat(h2.count("SELECT COUNT(*) FROM users WHERE name IS NULL OR age IS NULL")).isEqualTo(2);
  }

  @Test
  void javaTimeParametersBindThroughSetObject() throws Exception {
    LocalDate born = LocalDate.of(1815, 12, 10);
    jdbc.update("UPDATE users SET born = ? WHERE name = ?", born, "ada").join(TIMEOUT);

    LocalDate read = jdbc.queryOne("SELECT born FROM users WHERE name = 'ada'", row -> row.getObject(1, LocalDate.class))
        .join(TIMEOUT);
    assertThat(read).isEqualTo(born);
  }

  @Test
  void parametersAreCopiedWhenTheCallIsMade() throws Exception {
    Object[] params = {"ada"};
    Future<Integer> age = jdbc.queryOne("SELECT age FROM users WHERE name = ?", row -> row.getInt(1), params);
    params[0] = "grace";

    assertThat(age.join(TIMEOUT)).isEqualTo(36);
  }

  @Test
  void callbacksRunOnTheCallersLoopNotOnTheWorker() throws Exception {
    Loop loop = runtime.loops().get(1);

    String callbackThread = loop.submit(() -> jdbc.query("SELECT name FROM users", row -> Thread.currentThread().getName())
        .map(workerThreads -> workerThreads.get(0) + " -> " + Thread.currentThread().getName())).join(TIMEOUT);

    assertThat(callbackThread).as("mapper thread -> callback thread")
        .startsWith("jdbc-statements-stmt-").endsWith(" -> " + loop.name());
  }

  @Test
  void callsFromOffAnyLoopAreHomedOnOneOfTheRuntimesLoops() throws Exception {
    Future<List<String>> names = jdbc.query("SELECT name FROM users", row -> row.getString(1));

    assertThat(runtime.loops()).contains(names.home());
    names.join(TIMEOUT);
  }

  @Test
  void manyConcurrentCallsAllComplete() throws Exception {
    List<Future<Integer>> ages = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ages.add(jdbc.queryOne("SELECT age FROM users WHERE name = ?", row -> row.getInt(1), i % 2 == 0 ? "ada" : "grace"));
    }

    List<Integer> all = Future.all(ages).join(TIMEOUT);

    assertThat(all).hasSize(100).containsOnly(36, 85);
    assertThat(runtime.adapter(jdbc.name()).stats().peakActive()).as("peak statements at once")
        .isLessThanOrEqualTo(4);
  }
}
