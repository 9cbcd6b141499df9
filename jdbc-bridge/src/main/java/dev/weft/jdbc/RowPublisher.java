package dev.weft.jdbc;

import dev.weft.Deadline;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Flow;

/** The cold publisher behind {@link AsyncJdbc#stream}: each subscription runs the query anew. */
final class RowPublisher<T> implements Flow.Publisher<T> {
  private final JdbcBridge bridge;
  private final String sql;
  private final Object[] params;
  private final RowMapper<T> mapper;
  private final Deadline contextDeadline; // the caller's, when stream() was called; null: none
  private final Duration timeout; // the view's, counted from subscribe; null: none

  RowPublisher(JdbcBridge bridge, String sql, Object[] params, RowMapper<T> mapper, Deadline contextDeadline,
      Duration timeout) {
    this.bridge = bridge;
    this.sql = sql;
    this.params = params;
    this.mapper = mapper;
    this.contextDeadline = contextDeadline;
    this.timeout = timeout;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
    Deadline deadline = timeout == null ? contextDeadline : Deadline.after(timeout).earlierOf(contextDeadline);
    new RowSubscription<T>(bridge, bridge.home(), subscriber, sql, params, mapper, deadline).start();
  }

  @Override
  public String toString() {
    return "RowPublisher[jdbc '" + bridge.name + "': " + SqlContext.shorten(sql) + "]";
  }
}
