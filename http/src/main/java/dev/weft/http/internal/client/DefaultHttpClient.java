package dev.weft.http.internal.client;

import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.http.client.HttpClient;
import dev.weft.http.client.HttpClientMetrics;
import dev.weft.http.client.HttpRequest;
import dev.weft.http.client.HttpResponse;
import dev.weft.http.client.StreamingHttpResponse;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * The client: a pool per origin, each on one of the runtime's loops (chosen round-robin when the
 * origin is first used), and the calls' promises homed on their callers' loops.
 */
public final class DefaultHttpClient implements HttpClient {
  /** The name of the adapter that runs the clients' name lookups and TLS certificate checks. */
  public static final String SUPPORT_ADAPTER = "weft-http-client";
  private static final Object SUPPORT_ADAPTER_LOCK = new Object();

  private final DefaultAsyncRuntime runtime;
  private final ClientSettings settings;
  private final SslContext sslContext;
  private final BlockingAdapter support;
  private final ConcurrentHashMap<Origin, OriginPool> pools = new ConcurrentHashMap<>();
  private final List<OriginPool> poolsInOrder = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public DefaultHttpClient(AsyncRuntime runtime, ClientSettings settings) {
    this.runtime = DefaultAsyncRuntime.of(runtime, "the HTTP client");
    this.settings = settings;
    this.sslContext = buildSslContext(settings);
    this.support = supportAdapter(this.runtime);
  }

  /**
   * The runtime's adapter for the clients' own blocking work — name lookups and TLS certificate
   * checks — made by the first client of a runtime and shared by all. It is small and separate from
   * {@code runtime.blocking()}, so that handshakes never queue behind (or deadlock with) the
   * application's blocking calls, for instance blocking code waiting on HTTPS responses.
   */
  private static BlockingAdapter supportAdapter(DefaultAsyncRuntime runtime) {
    synchronized (SUPPORT_ADAPTER_LOCK) {
      try {
        return runtime.adapter(SUPPORT_ADAPTER);
      } catch (IllegalArgumentException none) {
        return Adapters.boundedPool(SUPPORT_ADAPTER)
            .maxThreads(2)
            .maxQueue(1024)
            .spinBeforePark(Duration.ZERO) // rare work: no thread kept spinning for it
            .build(runtime);
      }
    }
  }

  private static SslContext buildSslContext(ClientSettings settings) {
    SslContextBuilder builder = SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .endpointIdentificationAlgorithm("HTTPS"); // hostname verification, always
    if (settings.trustManagerFactory() != null) {
      builder.trustManager(settings.trustManagerFactory());
    } else if (settings.trustCertificates() != null) {
      try (InputStream pem = Files.newInputStream(settings.trustCertificates())) {
        builder.trustManager(pem);
        return builder.build();
      } catch (IOException | IllegalArgumentException unreadable) {
        throw new IllegalArgumentException("trustCertificates: cannot read PEM certificates from "
            + settings.trustCertificates() + ": " + unreadable.getMessage(), unreadable);
      }
    }
    try {
      return builder.build();
    } catch (SSLException failure) {
      throw new IllegalArgumentException("cannot set up TLS for the HTTP client: " + failure.getMessage(), failure);
    }
  }

  @Override
  public Future<HttpResponse> send(HttpRequest request) {
    return start(request, false);
  }

  @Override
  public Future<StreamingHttpResponse> stream(HttpRequest request) {
    return start(request, true);
  }

  private <R> Future<R> start(HttpRequest request, boolean streaming) {
    Loop caller = Loop.current();
    Promise<R> promise = (caller != null ? caller : runtime.nextLoop()).newPromise();
    if (closed) {
      promise.fail(new RejectedException("HTTP client is closed: " + request + " refused"));
      return promise;
    }
    long contextRemaining = Context.current().deadline().map(Deadline::remainingNanos).orElse(Long.MAX_VALUE);
    Call<R> call = new Call<>(promise, streaming, request, settings.requestTimeoutNanos(), contextRemaining);
    try {
      submit(call, request);
    } catch (RejectedException refused) {
      promise.fail(refused); // one error path: a refusal is the future's failure, never thrown
      return promise;
    }
    promise.onCancel(() -> {
      ClientExchange current = call.current;
      if (current != null) {
        runOn(current.pool, current::cancel);
      }
    });
    return promise;
  }

  /** Admits a hop on its origin's pool and hands it to the pool's loop; throws RejectedException. */
  private void submit(Call<?> call, HttpRequest request) {
    OriginPool pool = admitted(Origin.of(request.uri()));
    if (closed) {
      pool.unadmit();
      throw new RejectedException("HTTP client is closed: " + request + " refused");
    }
    ClientExchange exchange = new ClientExchange(call, pool, request, false);
    call.current = exchange;
    if (pool.eventLoop().inEventLoop()) {
      try {
        pool.enqueue(exchange); // already on the pool's loop: no task, no hop
      } catch (RuntimeException unexpected) {
        exchange.fail(unexpected); // never out of send(): the caller holds no future yet
      }
      return;
    }
    try {
      pool.eventLoop().execute(() -> pool.enqueue(exchange));
    } catch (RejectedExecutionException shutDown) {
      pool.unadmit();
      throw new RejectedException("HTTP client: the runtime is shutting down; " + request + " refused");
    }
  }

  /** On the loop of the hop that got the redirect: the next hop, on its own origin's pool. */
  void follow(Call<?> call, HttpRequest next) {
    call.redirects++;
    try {
      submit(call, next);
    } catch (RuntimeException refused) {
      call.promise.fail(refused);
    }
  }

  private OriginPool pool(Origin origin) {
    OriginPool pool = pools.get(origin);
    if (pool != null) {
      return pool;
    }
    return pools.computeIfAbsent(origin, key -> {
      EventLoop loop = runtime.nextLoop().eventLoop();
      OriginPool created = new OriginPool(this, key, loop, settings);
      poolsInOrder.add(created);
      return created;
    });
  }

  /** The origin's pool, with a slot taken on it; throws RejectedException when it is full. */
  private OriginPool admitted(Origin origin) {
    OriginPool pool = pool(origin);
    while (!pool.admit()) {
      pools.remove(origin, pool); // retired under us (its loop may not have removed it yet)
      pool = pool(origin);
    }
    return pool;
  }

  /** On the pool's loop: an unused pool leaves; the next request to its origin makes a new one. */
  void retire(OriginPool pool) {
    pools.remove(pool.origin(), pool);
    poolsInOrder.remove(pool);
  }

  private static void runOn(OriginPool pool, Runnable task) {
    try {
      pool.eventLoop().execute(task);
    } catch (RejectedExecutionException shutDown) {
      // the loops are gone, and with them the connections
    }
  }

  SslContext sslContext() {
    return sslContext;
  }

  /** Runs a TLS handshake's delegated task off the loops. */
  void runTlsTask(Runnable task) {
    Future<Void> handed = support.run(task::run);
    if (handed.isFailed() && handed.failureNow() instanceof RejectedExecutionException) {
      task.run(); // refused: a handshake late on the loop beats one failed for lack of a thread
    }
  }

  /** Looks up a host name on the support adapter: the JDK's resolver blocks. */
  Future<InetAddress> lookUp(String host) {
    return support.call(() -> InetAddress.getByName(host));
  }

  void reportUnhandled(String description, Throwable failure) {
    runtime.reportUnhandled(description, failure);
  }

  @Override
  public HttpClientMetrics metrics() {
    List<HttpClientMetrics.Origin> origins = new ArrayList<>(poolsInOrder.size());
    for (OriginPool pool : poolsInOrder) {
      origins.add(pool.metrics());
    }
    return new HttpClientMetrics(origins);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (OriginPool pool : poolsInOrder) {
      runOn(pool, pool::close);
    }
  }

  @Override
  public String toString() {
    return "HttpClient" + poolsInOrder;
  }
}
