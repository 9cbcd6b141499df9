package dev.weft.http.internal.server;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerMetrics;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import dev.weft.limit.LimitStats;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/*
 * Overview: the server's life is LISTENING -> SHUTTING_DOWN (the first shutdown() call wins a CAS
 * on `shutdown`) -> STOPPED (its future completes once no connection is left). The listening
 * channel and every accepted connection are registered on the runtime's own Netty group, so a
 * connection's reads, its handler and its writes all run on one loop thread.
 */

/** The HTTP server on Netty. */
public final class NettyHttpServer implements HttpServer {
  private static final Logger LOG = ServerState.log();
  private static final int MAX_CHUNK_SIZE = 16 * 1024;

  private final ServerState state;
  private final Channel listener;
  private final String host;
  private final int port;
  private final LoopImpl home;
  private final AtomicReference<DefaultPromise<Void>> shutdown = new AtomicReference<>(); // set once

  private NettyHttpServer(ServerState state, Channel listener, String host, LoopImpl home) {
    this.state = state;
    this.listener = listener;
    this.host = host;
    this.port = ((InetSocketAddress) listener.localAddress()).getPort();
    this.home = home;
  }

  public static Future<HttpServer> start(AsyncRuntime runtime, Router router, ServerSettings settings, String host,
      int port) {
    DefaultAsyncRuntime weft = DefaultAsyncRuntime.of(runtime, "the HTTP server");
    IoEventLoopGroup group = weft.eventLoopGroup();
    LoopImpl home = weft.nextLoop();
    DefaultPromise<HttpServer> started = new DefaultPromise<>(home);
    ServerState state = new ServerState(settings, router);
    HttpDecoderConfig decoding = new HttpDecoderConfig()
        .setMaxInitialLineLength(settings.maxInitialLineLength())
        .setMaxHeaderSize(settings.maxHeaderSize())
        .setMaxChunkSize(MAX_CHUNK_SIZE)
        .setValidateHeaders(true)
        // ambiguous framing is refused, never guessed: request smuggling lives in the guesses
        .setAllowDuplicateContentLengths(false)
        .setUseRfc9112TransferEncoding(true)
        .setStrictLineParsing(true);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group, group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline()
                .addLast("http-decoder", new StrictRequestDecoder(decoding))
                .addLast("http-encoder", new HttpResponseEncoder())
                .addLast("weft-http", new ServerConnection(state));
          }
        });
    bootstrap.bind(host, port).addListener(bound -> {
      if (bound.isSuccess()) {
        Channel channel = ((io.netty.channel.ChannelFuture) bound).channel();
        NettyHttpServer server = new NettyHttpServer(state, channel, host, home);
        LOG.debug("HTTP server listening on {}:{}", host, server.port);
        started.complete(server);
      } else {
        started.fail(bound.cause());
      }
    });
    return started;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public HttpServerMetrics metrics() {
    return state.metrics.snapshot(state.inFlight(), state.openConnections(), state.router.routeRecorders());
  }

  @Override
  public Optional<LimitStats> limitStats() {
    return state.adaptiveGate == null ? Optional.empty() : Optional.of(state.adaptiveGate.stats());
  }

  @Override
  public Future<Void> shutdown(Duration gracePeriod) {
    if (gracePeriod == null || gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod must be >= 0 (was " + gracePeriod + ")");
    }
    DefaultPromise<Void> done = new DefaultPromise<>(home);
    if (!shutdown.compareAndSet(null, done)) {
      return shutdown.get();
    }
    Runnable checkDone = () -> {
      if (state.openConnections() == 0 && !listener.isOpen()) {
        done.complete(null);
      }
    };
    state.startShutdown(checkDone);
    io.netty.channel.ChannelFuture closing = listener.close().addListener(closed -> {
      for (ServerConnection connection : state.connections()) {
        connection.drainForShutdown();
      }
      checkDone.run();
    });
    if (LoopThread.currentLoop() == null) {
      // "stops accepting at once" for a caller off the loops: the socket is closed on its loop, so
      // wait (briefly) for it. On a loop, waiting could block the very loop that closes it. The JDK
      // releases a selector-registered socket only at the selector's next pass, so also wait for
      // one more task on that loop, which runs after that pass.
      if (closing.awaitUninterruptibly(1_000)) {
        listener.eventLoop().submit(() -> { }).awaitUninterruptibly(1_000);
      }
    }
    long graceNanos = gracePeriod.toNanos();
    home.scheduleInternal(() -> {
      if (!done.isDone()) {
        LOG.warn("HTTP server on port {}: {} connection(s) still busy after the {} ms grace period; closing them",
            port, state.openConnections(), TimeUnit.NANOSECONDS.toMillis(graceNanos));
        for (ServerConnection connection : state.connections()) {
          connection.forceClose();
        }
      }
    }, graceNanos);
    return done;
  }

  @Override
  public void close() {
    Future<Void> done = shutdown(state.settings.shutdownGracePeriod());
    if (LoopThread.currentLoop() != null) {
      return;
    }
    try {
      done.join(state.settings.shutdownGracePeriod().plusSeconds(5));
    } catch (TimeoutException stuck) {
      LOG.warn("HTTP server on port {} did not close within its grace period; {} connection(s) still open", port,
          state.openConnections());
    }
  }

  @Override
  public String toString() {
    return "HttpServer[" + host + ":" + port + (shutdown.get() != null ? ", shut down" : "") + "]";
  }
}
