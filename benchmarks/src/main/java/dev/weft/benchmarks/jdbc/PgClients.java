package dev.weft.benchmarks.jdbc;

/**
 * One way of running the PostgreSQL scenario's unit of work (a transaction, or a single
 * {@code SELECT}) from a number of concurrent clients, each starting its next unit as soon as its
 * last one completed, until stopped.
 */
interface PgClients {

  /** Starts {@code clients} clients recording into {@code load}; returns at once. */
  void start(int clients, PgLoad load) throws Exception;

  /** Asks every client to stop after its current unit, and waits until all have. */
  void stop() throws Exception;

  /** The threads this way of running needs, for the table: a short description. */
  String threads();

  /** Closes what it opened: pool, runtime, event loops. */
  void close() throws Exception;
}
