package dev.weft.jdbc;

/**
 * The statements of one transaction, given to the body of {@link AsyncJdbc#inTransaction}.
 *
 * <p>Every statement runs on the transaction's single connection, one at a time, in the order the
 * methods were called — also when the body starts several without waiting for the first. Each
 * future behaves as {@link JdbcOperations} describes (homed on the calling loop, the statement's
 * own failure delivered unchanged, cancel stops that statement); a statement's failure does not by
 * itself end the transaction: the body decides, by the future it returns. The deadline of the
 * transaction, if any, is in the context the body runs in, so it bounds each statement too. The
 * transaction already holds its connection: its statements never wait for one and are never
 * rejected as saturated.
 *
 * <p>Statements called before the body's future completes run before the commit. Calling a
 * method once the body's future has completed, or after the transaction was cancelled or timed
 * out, throws {@link IllegalStateException} at once: the connection is no longer the
 * transaction's. Statements that were still waiting to run when the transaction rolled back are
 * cancelled.
 *
 * <p>Thread-safe, though the body usually calls it from its own loop.
 */
public interface Transaction extends JdbcOperations {

  /**
   * Whether statements can still be added: the transaction has begun and its body's future has
   * not completed, nor has it been cancelled or timed out.
   *
   * @return {@code true} while the body may add statements
   */
  boolean isActive();
}
