package dev.weft.jdbc.examples;

// The examples of docs/jdbc-bridge.md, compiled and run by JdbcBridgeExampleTest.
import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.future.Future;
import dev.weft.jdbc.AsyncJdbc;
import dev.weft.jdbc.IsolationLevel;
import dev.weft.jdbc.SqlContext;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

public final class JdbcBridgeExample {
  private JdbcBridgeExample() {}

  public record Account(long id, String owner, long balance) {}

  /** Moves money between two accounts: both updates or neither. */
  public static Future<Long> transfer(AsyncJdbc db, long from, long to, long amount) {
    return db.inTransaction(IsolationLevel.SERIALIZABLE, tx ->
        tx.queryOne("SELECT balance FROM accounts WHERE id = ?", row -> row.getLong(1), from)
            .flatMap(balance -> balance < amount
                ? Future.failed(new IllegalStateException("insufficient funds: " + balance + " < " + amount))
                : tx.update("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from))
            .flatMap(debited -> tx.update("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to))
            .flatMap(credited -> tx.queryOne("SELECT balance FROM accounts WHERE id = ?", row -> row.getLong(1), from)));
  }

  /** A lookup that must answer within 200 ms, or the database stops working on it. */
  public static Future<Optional<Account>> findQuickly(AsyncJdbc db, String owner) {
    return db.withTimeout(Duration.ofMillis(200)).queryOptional(
        "SELECT id, owner, balance FROM accounts WHERE owner = ?",
        row -> new Account(row.getLong("id"), row.getString("owner"), row.getLong("balance")), owner);
  }

  /** The same bound, from the caller's context: every call made inside inherits its deadline. */
  public static Future<Long> countWithin(AsyncJdbc db, Duration budget) throws Exception {
    return Context.current().withDeadline(Deadline.after(budget))
        .call(() -> db.queryOne("SELECT COUNT(*) FROM accounts", row -> row.getLong(1)));
  }

  /** Sums every balance by streaming the rows, 100 at a time: memory stays flat however many rows. */
  public static CompletableFuture<Long> sumByStreaming(AsyncJdbc db) {
    CompletableFuture<Long> total = new CompletableFuture<>();
    db.stream("SELECT balance FROM accounts", row -> row.getLong(1)).subscribe(new Flow.Subscriber<Long>() {
      private Flow.Subscription subscription;
      private long sum;
      private int sinceRequest;

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(100);                       // rows are read only as they are requested
      }

      @Override
      public void onNext(Long balance) {
        sum += balance;
        if (++sinceRequest == 100) {
          sinceRequest = 0;
          subscription.request(100);
        }
      }

      @Override
      public void onError(Throwable failure) {
        total.completeExceptionally(failure);            // the connection is already back in the pool
      }

      @Override
      public void onComplete() {
        total.complete(sum);
      }
    });
    return total;
  }

  /** What a failure carries: the driver's exception, as it was, plus the SQL it came from. */
  public static String describe(Throwable failure) {
    if (failure instanceof SQLException) {
      SQLException sql = (SQLException) failure;
      return "SQLState " + sql.getSQLState() + " from " + SqlContext.of(sql).map(SqlContext::sql).orElse("?");
    }
    return failure.toString();
  }
}
