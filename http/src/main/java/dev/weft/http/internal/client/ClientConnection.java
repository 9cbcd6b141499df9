package dev.weft.http.internal.client;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.weft.http.client.HttpClientException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLException;

/**
 * One pooled connection: opens it (resolve, TCP connect, TLS handshake, all bounded by
 * connectTimeout), then carries one {@link ClientExchange} at a time. Confined to the pool's loop.
 *
 * <p>Its channel's close future is the one place that reports the end of the connection to the
 * pool, whatever closed it (server, failure, timeout, eviction), so the pool counts each
 * connection out exactly once.
 *
 * <p>A response that ends inside a socket read does not free the connection at once: the same
 * read may have brought more bytes, which no request asked for. The pool's hand-over waits for
 * the end of the read ({@link #whenReadEnds}); a message that arrives with no exchange bound
 * closes the connection first, so unsolicited bytes can never become the next request's response.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  private static final int MAX_CHUNK_SIZE = 64 * 1024;

  private final OriginPool pool;
  private final long connectStartNanos = System.nanoTime();
  private Channel channel;
  private ChannelFuture connectFuture;
  private ClientExchange exchange;
  private ClientExchange lastStarted;
  private int exchangesStarted;
  private boolean established;
  private boolean connectFailureReported;
  private boolean closed;
  private boolean skippingInterim;
  private Throwable failure;
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> idleTimer;
  private boolean inRead; // between a read's first channelRead and its channelReadComplete
  private Runnable afterRead; // a hand-over waiting for the end of the current read

  ClientConnection(OriginPool pool) {
    this.pool = pool;
  }

  Channel channel() {
    return channel;
  }

  /** Resolves the host off the loop (name lookups block; IP literals do not), then connects. */
  void open() {
    connectTimer = pool.eventLoop().schedule(this::connectTimedOut, pool.settings().connectTimeoutNanos(), NANOSECONDS);
    String host = pool.origin().bareHost();
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
    if (literal != null) {
      try {
        connect(InetAddress.getByAddress(host, literal));
      } catch (UnknownHostException impossible) {
        connectFailed(impossible);
      }
      return;
    }
    try {
      pool.client().lookUp(host).onComplete((address, error) -> {
        if (error != null) {
          connectFailed(error);
        } else if (!connectFailureReported) {
          connect(address);
        }
      });
    } catch (RuntimeException rejected) {
      connectFailed(rejected);
    }
  }

  private void connect(InetAddress address) {
    Origin origin = pool.origin();
    ClientConnection handler = this;
    ChannelFuture connected = new Bootstrap()
        .group(pool.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            NANOSECONDS.toMillis(pool.settings().connectTimeoutNanos()) + 1000))
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (origin.secure()) {
              // the handshake's delegated tasks (certificate checks: CPU, and network I/O when revocation
              // checking is on) run on the blocking adapter, not on this loop
              SslHandler tls = pool.client().sslContext().newHandler(ch.alloc(), origin.bareHost(), origin.port(),
                  pool.client()::runTlsTask);
              tls.setHandshakeTimeoutMillis(0); // connectTimeout covers the handshake
              ch.pipeline().addLast("tls", tls);
            }
            HttpDecoderConfig decoding = new HttpDecoderConfig()
                .setMaxHeaderSize(pool.settings().maxResponseHeaderSize())
                .setMaxInitialLineLength(8 * 1024)
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setAllowDuplicateContentLengths(false);
            ch.pipeline().addLast("http", new HttpClientCodec(decoding, false, false));
            ch.pipeline().addLast("weft", handler);
          }
        })
        .connect(new InetSocketAddress(address, origin.port()));
    connectFuture = connected;
    channel = connected.channel();
    channel.closeFuture().addListener(f -> closed());
    connected.addListener(f -> {
      if (!f.isSuccess()) {
        connectFailed(f.cause());
      } else if (!origin.secure()) {
        established();
      } else {
        channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
          if (h.isSuccess()) {
            established();
          } else {
            connectFailed(h.cause());
          }
        });
      }
    });
  }

  private void established() {
    if (connectFailureReported || closed) {
      return;
    }
    established = true;
    connectTimer.cancel(false);
    pool.connected(this);
  }

  private void connectTimedOut() {
    if (!established && !connectFailureReported) {
      reportConnectFailure(new HttpClientException(HttpClientException.Kind.CONNECT_TIMEOUT, pool.origin().toString(),
          "connecting to " + pool.origin() + " timed out after " + Durations.since(connectStartNanos)
              + " (connectTimeout of " + Durations.text(pool.settings().connectTimeoutNanos()) + ", TCP connect"
              + (pool.origin().secure() ? " and TLS handshake)" : ")"), null));
      close();
    }
  }

  private void connectFailed(Throwable cause) {
    if (!established && !connectFailureReported) {
      reportConnectFailure(classify(cause));
      close();
    }
  }

  private void reportConnectFailure(HttpClientException failure) {
    connectFailureReported = true;
    connectTimer.cancel(false);
    pool.connectFailed(this, failure);
  }

  private HttpClientException classify(Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    String origin = pool.origin().toString();
    String elapsed = Durations.since(connectStartNanos);
    if (root instanceof SSLException) {
      Throwable deepest = root;
      while (deepest.getCause() != null && deepest.getCause() != deepest) {
        deepest = deepest.getCause();
      }
      return new HttpClientException(HttpClientException.Kind.TLS_FAILED, origin, "TLS handshake with " + origin
          + " failed after " + elapsed + ": " + deepest.getMessage()
          + " (is the server's certificate issued for '" + pool.origin().bareHost() + "' by a CA the client trusts? "
          + "See HttpClientBuilder.trustCertificates)", root);
    }
    String reason = root instanceof UnknownHostException ? "unknown host " + pool.origin().bareHost()
        : root instanceof ConnectException ? "connection refused or unreachable (" + root.getMessage() + ")"
        : String.valueOf(root);
    return new HttpClientException(HttpClientException.Kind.CONNECT_FAILED, origin,
        "could not connect to " + origin + " after " + elapsed + ": " + reason, root);
  }

  /** The channel closed (or never opened): tells the pool, then the exchange it carried, if any. */
  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    if (idleTimer != null) {
      idleTimer.cancel(false);
    }
    if (failure == null && connectFuture != null && connectFuture.cause() != null) {
      failure = connectFuture.cause(); // Netty closes a channel whose connect failed before telling us why
    }
    if (!established && !connectFailureReported) {
      reportConnectFailure(failure != null ? classify(failure) : new HttpClientException(
          HttpClientException.Kind.CONNECT_FAILED, pool.origin().toString(),
          "the connection to " + pool.origin() + " closed while opening", null));
    }
    pool.connectionClosed(this, established);
    // the exchange learns of the loss in channelInactive, which runs after this listener and after
    // the codec has emitted the end of a body delimited by the close itself
  }

  void close() {
    if (channel != null) {
      channel.close();
    } else {
      closed();
    }
  }

  boolean isUsable() {
    return established && !closed && channel.isActive();
  }

  ClientExchange current() {
    return exchange;
  }

  void bind(ClientExchange next) {
    exchange = next;
    lastStarted = next;
    exchangesStarted++;
  }

  /** The exchange is done with this connection. */
  void unbind() {
    exchange = null;
    skippingInterim = false;
    if (channel != null && !channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  /** Whether {@code current} is not the first exchange on this connection (reuse can meet a stale connection). */
  boolean servedBefore(ClientExchange current) {
    return lastStarted == current && exchangesStarted > 1;
  }

  void pauseReading() {
    channel.config().setAutoRead(false);
  }

  void resumeReading() {
    if (!closed && !channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  void enterIdle() {
    idleTimer = pool.eventLoop().schedule(this::close, pool.settings().idleTimeoutNanos(), NANOSECONDS);
  }

  void leaveIdle() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  /** Runs {@code task} once the current socket read has been delivered whole; at once outside a read. */
  void whenReadEnds(Runnable task) {
    if (inRead) {
      afterRead = task;
    } else {
      task.run();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inRead = false;
    Runnable task = afterRead;
    afterRead = null;
    if (task != null) {
      task.run();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    try {
      ClientExchange current = exchange;
      if (current == null) {
        // bytes nobody asked for (after a response, on an idle connection, or after an aborted exchange):
        // the stream is unusable, and whatever is read next could be taken for another request's response
        afterRead = null;
        ctx.close();
        return;
      }
      if (msg instanceof HttpResponse) {
        HttpResponse head = (HttpResponse) msg;
        if (head.decoderResult().isFailure()) {
          current.malformed(head.decoderResult().cause());
          return;
        }
        int code = head.status().code();
        if (code >= 100 && code < 200 && code != 101) {
          skippingInterim = true; // 100 Continue, 103 Early Hints: the final response follows
        } else {
          current.onHead(head);
        }
      }
      if (msg instanceof HttpContent && exchange == current) {
        HttpContent content = (HttpContent) msg;
        if (content.decoderResult().isFailure()) {
          current.malformed(content.decoderResult().cause());
          return;
        }
        boolean last = content instanceof LastHttpContent;
        if (skippingInterim) {
          skippingInterim = !last;
          return;
        }
        current.onContent(content.content(), last);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ClientExchange current = exchange;
    if (current != null) {
      current.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ClientExchange lost = exchange;
    exchange = null;
    if (lost != null) {
      lost.connectionLost(failure);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    ctx.close();
  }

  @Override
  public String toString() {
    return "connection to " + pool.origin() + (channel == null ? "" : " " + channel);
  }
}
