package dev.weft.benchmarks.jdbc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's reactive PostgreSQL client (the async driver a user would pick instead of JDBC), with
 * a pool of the same size, prepared statements cached (as the JDBC driver does per connection),
 * Vert.x's default event loops.
 */
final class VertxPgClients implements PgClients {
  private final boolean transaction;
  private final Vertx vertx;
  private final Pool pool;
  private volatile boolean stopping;
  private CountDownLatch stopped;
  private PgLoad load;

  VertxPgClients(boolean transaction, String jdbcUrl, int poolSize) {
    this.transaction = transaction;
    this.vertx = Vertx.vertx();
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String user = "postgres";
    if (uri.getQuery() != null) {
      for (String parameter : uri.getQuery().split("&")) {
        if (parameter.startsWith("user=")) {
          user = parameter.substring("user=".length());
        }
      }
    }
    PgConnectOptions connect = new PgConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setDatabase(uri.getPath().substring(1)).setUser(user).setCachePreparedStatements(true);
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(vertx)
        .build();
  }

  @Override
  public void start(int clients, PgLoad load) {
    this.load = load;
    this.stopped = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      next(i);
    }
  }

  private void next(int client) {
    if (stopping) {
      stopped.countDown();
      return;
    }
    long startedAt = System.nanoTime();
    Future<?> work = transaction
        ? pool.withTransaction(connection -> connection.preparedQuery(PgSchema.VERTX_INSERT)
            .execute(Tuple.of(client, PgSchema.PAYLOAD))
            .compose(inserted -> connection.preparedQuery(PgSchema.VERTX_UPDATE).execute(Tuple.of(client))))
        : pool.preparedQuery(PgSchema.VERTX_SELECT).execute(Tuple.of(client));
    work.onComplete(result -> {
      if (result.succeeded()) {
        load.completed(startedAt);
      } else {
        load.failed(result.cause());
      }
      next(client);
    });
  }

  @Override
  public void stop() throws InterruptedException {
    stopping = true;
    if (!stopped.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Vert.x clients did not stop within 60 s");
    }
  }

  @Override
  public String threads() {
    return "Vert.x event loops";
  }

  @Override
  public void close() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
