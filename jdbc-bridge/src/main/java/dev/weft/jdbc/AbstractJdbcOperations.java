package dev.weft.jdbc;

import dev.weft.future.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Checks the arguments of the {@link JdbcOperations} methods and turns each into a statement's work. */
abstract class AbstractJdbcOperations implements JdbcOperations {

  /** Runs {@code work} where this implementation runs statements. */
  abstract <T> Future<T> submit(String sql, StatementWork<T> work);

  @Override
  public final <T> Future<List<T>> query(String sql, RowMapper<T> mapper, Object... params) {
    return submit(checkSql(sql), StatementWork.query(sql, copy(params), Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public final <T> Future<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
    return submit(checkSql(sql), StatementWork.queryAtMostOne(sql, copy(params),
        Objects.requireNonNull(mapper, "mapper"), true).then(row -> row.orElse(null)));
  }

  @Override
  public final <T> Future<Optional<T>> queryOptional(String sql, RowMapper<T> mapper, Object... params) {
    return submit(checkSql(sql), StatementWork.queryAtMostOne(sql, copy(params),
        Objects.requireNonNull(mapper, "mapper"), false));
  }

  @Override
  public final Future<Integer> update(String sql, Object... params) {
    return submit(checkSql(sql), StatementWork.update(sql, copy(params)));
  }

  @Override
  public final <K> Future<List<K>> updateReturningKeys(String sql, RowMapper<K> keyMapper, Object... params) {
    return submit(checkSql(sql), StatementWork.updateReturningKeys(sql, copy(params),
        Objects.requireNonNull(keyMapper, "keyMapper")));
  }

  @Override
  public final Future<int[]> batch(String sql, List<Object[]> rows) {
    Objects.requireNonNull(rows, "rows");
    List<Object[]> copies = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      copies.add(copy(row));
    }
    return submit(checkSql(sql), StatementWork.batch(sql, copies));
  }

  static String checkSql(String sql) {
    Objects.requireNonNull(sql, "sql");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("sql must not be blank");
    }
    return sql;
  }

  /** The caller's parameters, copied; a null array is one null parameter ({@code update(sql, null)}). */
  static Object[] copy(Object[] params) {
    return params == null ? new Object[] {null} : params.clone();
  }
}
