/**
 * The JDBC bridge suite: what {@code dev.weft.jdbc.AsyncJdbc} costs per simple query over raw JDBC
 * on the same HikariCP pool and H2 in-memory database, one query in flight (latency) and 64 in
 * flight (throughput).
 */
package dev.weft.benchmarks.jdbc;
