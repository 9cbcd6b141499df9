package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streams on H2: back-pressure, the Flow rules, and that every way out closes the cursor and returns the connection. */
class AsyncJdbcStreamTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final int ROWS = 1_000;
  private static AsyncRuntime runtime;

  private H2Pool h2;
  private RecordingDataSource recording;
  private AsyncJdbc jdbc;
  private final AtomicInteger mapped = new AtomicInteger();
  private final Loop loop = runtime.loops().get(1);

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-stream").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @BeforeEach
  void openDatabase() {
    open(2, 10);
  }

  private void open(int connections, int maxQueue) {
    h2 = new H2Pool(connections);
    h2.execute("CREATE TABLE numbers(n INT PRIMARY KEY)", "INSERT INTO numbers SELECT X FROM SYSTEM_RANGE(1, " + ROWS + ")");
    recording = new RecordingDataSource(h2.dataSource);
    jdbc = AsyncJdbc.create(runtime, recording.dataSource, JdbcOptions.builder().name("stream-" + NAMES.incrementAndGet())
        .maxConnections(connections).maxQueue(maxQueue).fetchSize(100).build());
  }

  @AfterEach
  void closeDatabase() {
    jdbc.close();
    h2.assertAllReturned();
    assertThat(recording.openResultSets).as("result sets left open").hasValue(0);
    assertThat(recording.openStatements).as("statements left open").hasValue(0);
    h2.close();
  }

  private Flow.Publisher<Integer> numbers() {
    return jdbc.stream("SELECT n FROM numbers ORDER BY n", row -> {
      mapped.incrementAndGet();
      return row.getInt(1);
    });
  }

  /** Subscribes from {@link #loop}, so signals run there. */
  private <T> RecordingSubscriber<T> subscribe(Flow.Publisher<T> publisher, long initialRequest) {
    return subscribe(publisher, new RecordingSubscriber<>(initialRequest));
  }

  private <T> RecordingSubscriber<T> subscribe(Flow.Publisher<T> publisher, RecordingSubscriber<T> subscriber) {
    loop.execute(() -> publisher.subscribe(subscriber));
    return subscriber;
  }

  /** Once the bridge's workers are idle, every signal they caused has been queued on the loop: run them all. */
  private void quiesce() throws Exception {
    Polling.await("the bridge's workers idle", TIMEOUT, () -> runtime.adapter(jdbc.name()).stats().active() == 0);
    loop.submit(() -> Future.succeeded(null)).join(TIMEOUT);
  }

  @Test
  void rowsAreReadOnlyAsTheSubscriberRequestsThem() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), 10);
    subscriber.awaitItems(10);
    quiesce();
    assertThat(mapped).as("rows read after request(10)").hasValue(10);

    subscriber.request(25);
    subscriber.awaitItems(35);
    quiesce();

    assertThat(mapped).as("rows read after request(25) more").hasValue(35);
    assertThat(subscriber.items).containsExactlyElementsOf(IntStream.rangeClosed(1, 35).boxed().collect(Collectors.toList()));
    assertThat(subscriber.violations).isEmpty();
    subscriber.cancel();
  }

  @Test
  void anUnboundedRequestStreamsEveryRowInFetchSizedBatchesThenCompletes() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), Long.MAX_VALUE);

    subscriber.awaitComplete();

    assertThat(subscriber.items).hasSize(ROWS).isSorted();
    assertThat(subscriber.violations).isEmpty();
  }

  @Test
  void theConnectionIsBackBeforeOnComplete() throws Exception {
    RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE);
    CompletableFuture<Integer> activeAtTheEnd = new CompletableFuture<>();
    subscriber.onTerminalAction = () -> activeAtTheEnd.complete(h2.activeConnections());

    subscribe(numbers(), subscriber).awaitComplete();

    assertThat(activeAtTheEnd.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aStreamCompletesWithoutFurtherDemandWhenExactlyAllRowsWereRequested() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), ROWS);

    subscriber.awaitComplete();

    assertThat(subscriber.items).hasSize(ROWS);
    assertThat(mapped).hasValue(ROWS);
  }

  @Test
  void signalsFollowTheFlowRules() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), 0);
    Polling.await("onSubscribe", TIMEOUT, () -> !subscriber.signals.isEmpty());
    for (int i = 0; i < 10; i++) {
      subscriber.request(ROWS / 10); // from the test thread: request is thread-safe
    }

    subscriber.awaitComplete();

    assertThat(subscriber.signals.get(0)).isEqualTo("onSubscribe");
    assertThat(subscriber.signals.subList(1, subscriber.signals.size() - 1)).hasSize(ROWS).containsOnly("onNext");
    assertThat(subscriber.signals.get(subscriber.signals.size() - 1)).isEqualTo("onComplete");
    assertThat(subscriber.threads).as("every signal on the subscribing loop").containsExactly(loop.name());
    assertThat(subscriber.violations).isEmpty();
  }

  @Test
  void requestOfZeroFailsWithIllegalArgumentAndStops() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), 5);
    subscriber.awaitItems(5);

    subscriber.request(0);

    assertThat(subscriber.awaitError()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule 3.9");
    quiesce();
    assertThat(subscriber.items).hasSize(5);
    assertThat(subscriber.violations).isEmpty();
  }

  @Test
  void aNegativeRequestFailsBeforeTakingAConnection() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), -1);

    assertThat(subscriber.awaitError()).isInstanceOf(IllegalArgumentException.class);
    assertThat(runtime.adapter(jdbc.name()).stats().submitted()).isZero();
  }

  @Test
  void cancellingClosesTheResultSetStatementAndConnection() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), 5);
    subscriber.awaitItems(5);

    subscriber.cancel();

    h2.assertAllReturned();
    quiesce();
    assertThat(recording.openResultSets).hasValue(0);
    assertThat(recording.openStatements).hasValue(0);
    assertThat(subscriber.items).as("nothing after cancel").hasSize(5);
    assertThat(subscriber.terminated).as("no terminal signal after cancel").isNotDone();
  }

  @Test
  void cancellingFromOnNextStopsTheStream() throws Exception {
    RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE);
    subscriber.onNextAction = (self, item) -> {
      if (item == 3) {
        self.cancel();
      }
    };
    subscribe(numbers(), subscriber);

    Polling.await("the third row", TIMEOUT, () -> subscriber.items.size() >= 3);
    h2.assertAllReturned();
    quiesce();

    assertThat(subscriber.items).containsExactly(1, 2, 3);
    assertThat(subscriber.violations).isEmpty();
  }

  @Test
  void aSubscriberWhoseOnNextThrowsIsCancelledAndTheFailureReported() throws Exception {
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    try (AsyncRuntime own = AsyncRuntime.builder().name("jdbc-stream-reporting").loops(1)
        .unhandledFailureHandler((description, failure) -> reported.complete(failure)).build();
        AsyncJdbc reporting = AsyncJdbc.create(own, h2.dataSource, JdbcOptions.builder().name("reporting").build())) {
      RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE);
      IllegalStateException thrown = new IllegalStateException("subscriber bug");
      subscriber.onNextAction = (self, item) -> {
        throw thrown;
      };
      reporting.stream("SELECT n FROM numbers", row -> row.getInt(1)).subscribe(subscriber);

      assertThat(reported.get(10, TimeUnit.SECONDS)).isSameAs(thrown);
      h2.assertAllReturned();
      assertThat(subscriber.items).hasSize(1);
    }
  }

  @Test
  void aFailingQueryEndsWithOnErrorAfterTheConnectionIsBack() throws Exception {
    RecordingSubscriber<Object> subscriber = new RecordingSubscriber<>(10);
    CompletableFuture<Integer> activeAtTheEnd = new CompletableFuture<>();
    subscriber.onTerminalAction = () -> activeAtTheEnd.complete(h2.activeConnections());

    Throwable failure = subscribe(jdbc.stream("SELEKT n FROM numbers", row -> row.getObject(1)), subscriber).awaitError();

    assertThat(failure).isInstanceOf(SQLSyntaxErrorException.class);
    assertThat(SqlContext.of(failure)).get().extracting(SqlContext::sql).isEqualTo("SELEKT n FROM numbers");
    assertThat(activeAtTheEnd.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aMapperReturningNullEndsTheStreamWithNullPointer() throws Exception {
    RecordingSubscriber<Object> subscriber = subscribe(jdbc.stream("SELECT n FROM numbers", row -> null), 10);

    assertThat(subscriber.awaitError()).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("forbids null elements");
    assertThat(subscriber.items).isEmpty();
  }

  @Test
  void eachSubscriptionRunsTheQueryAnew() throws Exception {
    Flow.Publisher<Integer> publisher = numbers();
    RecordingSubscriber<Integer> first = subscribe(publisher, Long.MAX_VALUE);
    RecordingSubscriber<Integer> second = subscribe(publisher, Long.MAX_VALUE);

    first.awaitComplete();
    second.awaitComplete();

    assertThat(first.items).hasSize(ROWS);
    assertThat(second.items).isEqualTo(first.items);
  }

  @Test
  void aStreamPastItsDeadlineFailsWithTimeoutAndReturnsTheConnection() throws Exception {
    RecordingSubscriber<Integer> subscriber = subscribe(jdbc.withTimeout(Duration.ofMillis(200))
        .stream("SELECT n FROM numbers", row -> row.getInt(1)), 1); // and never asks for more

    assertThat(subscriber.awaitError()).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("stream did not complete by its deadline");
    h2.assertAllReturned();
  }

  @Test
  void aStreamOnASaturatedBridgeFailsWithRejected() throws Exception {
    jdbc.close();
    h2.close();
    open(1, 0);
    Future<List<Long>> holder = jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
    Polling.await("the holder running", TIMEOUT, () -> h2.activeConnections() == 1);

    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), 1);

    assertThat(subscriber.awaitError()).isInstanceOf(RejectedException.class).hasMessageContaining("saturated");
    holder.cancel();
  }

  @Test
  void cancellingWhileWaitingForAConnectionWithdrawsTheRequest() throws Exception {
    jdbc.close();
    h2.close();
    open(1, 10);
    Future<List<Long>> holder = jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
    Polling.await("the holder running", TIMEOUT, () -> h2.activeConnections() == 1);
    RecordingSubscriber<Integer> subscriber = subscribe(numbers(), 1);
    Polling.await("onSubscribe", TIMEOUT, () -> !subscriber.signals.isEmpty());
    loop.submit(() -> Future.succeeded(null)).join(TIMEOUT); // its request(1) has run: it waits for the connection

    subscriber.cancel();
    holder.cancel();
    h2.assertAllReturned();
    quiesce();

    assertThat(mapped).as("rows read by the withdrawn stream").hasValue(0);
    assertThat(subscriber.signals).containsExactly("onSubscribe");
  }

  @Test
  void subscribingNullIsRefused() {
    assertThatThrownBy(() -> numbers().subscribe(null)).isInstanceOf(NullPointerException.class);
  }
}
