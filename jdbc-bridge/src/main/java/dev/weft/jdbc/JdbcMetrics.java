package dev.weft.jdbc;

import dev.weft.metrics.Timing;

/**
 * A JDBC bridge's numbers ({@link AsyncJdbc#metrics()}). Counters only grow, from the bridge's
 * start; gauges ({@code connectionsInUse}, {@code waiting}) are the current values; each
 * {@link Timing} carries a count and sum since start and percentiles of the last minute.
 *
 * <p>A <em>connection request</em> is what holds a connection: a statement, a transaction (begin
 * to commit or rollback) or a stream. Each is accepted (served at once, or after a wait) or
 * rejected, so {@code requests + rejected} is every call made. Statements are counted one by one,
 * inside transactions too; their failures are the SQL errors (cancellations and deadlines not
 * included: those are the caller's doing).
 *
 * <p>The runtime's metrics ({@code AsyncRuntime.metrics().adapters()}) show the bridge under its
 * name, as one bulkhead: {@code submitted} is {@code requests}, {@code queued} is {@code waiting},
 * {@code active} is {@code connectionsInUse}, {@code rejected} and {@code failed} are this
 * record's, {@code queueWait} is {@code connectionWait} and {@code runTime} is
 * {@code statementTime}.
 *
 * @param name the bridge's name ({@link JdbcOptions#name()})
 * @param maxConnections the most connections the bridge holds at once
 * @param maxQueue the most connection requests that may wait
 * @param connectionsInUse connections held now, by statements, transactions and streams
 * @param peakConnectionsInUse the most connections held at once
 * @param waiting connection requests waiting now
 * @param requests connection requests accepted
 * @param waited accepted requests that had to wait for a connection (all connections were in use)
 * @param rejected requests refused at once: all connections in use and the queue full, or the bridge closed
 * @param statements statements that ran to their end, successfully or not
 * @param failed statements and stream fetches that failed with an error from the driver or the database
 * @param timedOut statements outside transactions whose deadline passed first
 * @param connectionWait the time each accepted request waited for a connection (zero for those served at once)
 * @param statementTime the time each statement ran on its worker (for a statement outside a
 *     transaction, {@code getConnection} and {@code close} included)
 */
public record JdbcMetrics(String name, int maxConnections, int maxQueue, int connectionsInUse,
    int peakConnectionsInUse, int waiting, long requests, long waited, long rejected, long statements, long failed,
    long timedOut, Timing connectionWait, Timing statementTime) {}
