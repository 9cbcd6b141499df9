package dev.weft.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns the current row of a {@link ResultSet} into a value.
 *
 * <p>It runs on the bridge's blocking worker, while the row is current: read the columns you need
 * and return; do not move the cursor ({@code next()}, {@code absolute()}), do not close the result
 * set, and do not keep the {@code ResultSet} beyond the call. It may block (it is not on a loop), but
 * it holds a database connection while it runs. What it throws fails the call as it is, with the
 * SQL attached as a {@link SqlContext} suppressed exception.
 *
 * <pre>{@code
 * RowMapper<User> users = row -> new User(row.getLong("id"), row.getString("name"));
 * }</pre>
 *
 * @param <T> the value of one row
 */
@FunctionalInterface
public interface RowMapper<T> {

  /**
   * Maps the current row.
   *
   * @param row the result set, positioned on the row to map
   * @return the row's value; {@code null} is allowed where the method using the mapper says so
   * @throws SQLException as the driver throws it
   */
  T map(ResultSet row) throws SQLException;
}
