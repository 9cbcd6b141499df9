/**
 * The JDBC bridge: asynchronous JDBC over any {@link javax.sql.DataSource}, on a bounded blocking
 * adapter.
 *
 * <p>{@link dev.weft.jdbc.AsyncJdbc} is the entry point: statements ({@code query},
 * {@code update}, {@code batch}, ...) return {@link dev.weft.future.Future}s homed on the caller's
 * loop; {@code inTransaction} runs a body on one connection and commits or rolls back by its
 * future; {@code stream} publishes a large result as a {@link java.util.concurrent.Flow.Publisher}
 * with back-pressure. Cancellation and the context's deadline reach the server through
 * {@link java.sql.Statement#cancel()} and the query timeout; failures arrive as the driver threw
 * them, with a {@link dev.weft.jdbc.SqlContext} naming the SQL.
 */
package dev.weft.jdbc;
