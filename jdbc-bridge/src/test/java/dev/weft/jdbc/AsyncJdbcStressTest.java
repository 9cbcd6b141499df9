package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bounded burst of mixed work on H2 — statements, committing and failing transactions, streams,
 * cancellations at random moments, short timeouts — through a pool of 4. Invariants checked: every
 * call ends (with a result, its own failure, a cancellation or a timeout); never more than 4
 * statements at once; every connection comes back; committed rows are exactly those of the calls
 * that succeeded, plus at most those whose cancel or timeout lost the race to the commit.
 */
class AsyncJdbcStressTest {
  private static final int CALLS = 1_500;
  private static final int CONNECTIONS = 4;

  @Test
  void mixedWorkWithRandomCancellationKeepsEveryBoundAndReturnsEveryConnection() throws Exception {
    Random random = new Random(42);
    int insertedBySuccess = 0; // rows of inserts whose future succeeded
    int maybeInserted = 0; // rows of inserts cancelled or timed out: they may have landed before the cancel
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("jdbc-stress").loops(2).build();
        H2Pool h2 = new H2Pool(CONNECTIONS)) {
      h2.execute("CREATE TABLE items(id INT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(10))",
          "CREATE TABLE numbers(n INT)", "INSERT INTO numbers SELECT X FROM SYSTEM_RANGE(1, 200)");
      AsyncJdbc jdbc = AsyncJdbc.create(runtime, h2.dataSource,
          JdbcOptions.builder().name("stress").maxQueue(CALLS * 2).fetchSize(16).build());
      List<Future<?>> calls = new ArrayList<>();
      List<Integer> rowsIfCommitted = new ArrayList<>();
      List<CompletableFuture<Void>> streams = new ArrayList<>();

      for (int i = 0; i < CALLS; i++) {
        int kind = random.nextInt(6);
        Future<?> call;
        switch (kind) {
          case 0:
            call = jdbc.update("INSERT INTO items(kind) VALUES ('plain')");
            break;
          case 1:
            call = jdbc.inTransaction(tx -> tx.update("INSERT INTO items(kind) VALUES ('tx')")
                .flatMap(one -> tx.update("INSERT INTO items(kind) VALUES ('tx')")));
            break;
          case 2:
            call = jdbc.inTransaction(tx -> tx.update("INSERT INTO items(kind) VALUES ('doomed')")
                .flatMap(one -> Future.failed(new IllegalStateException("rolled back on purpose"))));
            break;
          case 3:
            call = jdbc.withTimeout(Duration.ofMillis(1 + random.nextInt(5)))
                .query("SELECT n FROM numbers", row -> row.getInt(1));
            break;
          case 4:
            call = jdbc.query("SELECT COUNT(*) FROM numbers a, numbers b", row -> row.getLong(1));
            break;
          default:
            streams.add(stream(jdbc, random.nextInt(300)));
            continue;
        }
        if (random.nextInt(5) == 0) {
          call.cancel();
        }
        calls.add(call);
        rowsIfCommitted.add(kind == 0 ? 1 : kind == 1 ? 2 : 0);
      }

      for (int i = 0; i < calls.size(); i++) {
        try {
          calls.get(i).join(Duration.ofSeconds(30));
          insertedBySuccess += rowsIfCommitted.get(i);
        } catch (CancellationException | TimeoutException interrupted) {
          maybeInserted += rowsIfCommitted.get(i);
        } catch (IllegalStateException rolledBack) {
          assertThat(rolledBack).hasMessage("rolled back on purpose");
        }
      }
      CompletableFuture.allOf(streams.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

      h2.assertAllReturned();
      assertThat(runtime.adapter("stress").stats().peakActive()).as("statements at once").isLessThanOrEqualTo(CONNECTIONS);
      assertThat(h2.count("SELECT COUNT(*) FROM items WHERE kind = 'doomed'")).isZero();
      long rows = h2.count("SELECT COUNT(*) FROM items");
      assertThat(rows).as("committed rows").isBetween((long) insertedBySuccess, (long) insertedBySuccess + maybeInserted);
      jdbc.close();
    }
  }

  /** Streams the numbers, cancelling after {@code cancelAfter} rows if there are that many. */
  private static CompletableFuture<Void> stream(AsyncJdbc jdbc, int cancelAfter) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    jdbc.stream("SELECT n FROM numbers", row -> row.getInt(1)).subscribe(new Flow.Subscriber<Integer>() {
      private Flow.Subscription subscription;
      private int received;

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(7);
      }

      @Override
      public void onNext(Integer item) {
        if (++received == cancelAfter) {
          subscription.cancel();
          ended.complete(null);
        } else if (received % 7 == 0) {
          subscription.request(7);
        }
      }

      @Override
      public void onError(Throwable failure) {
        ended.completeExceptionally(failure);
      }

      @Override
      public void onComplete() {
        ended.complete(null);
      }
    });
    return ended;
  }
}
