package dev.weft.benchmarks.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * The hello-world baseline: Netty's {@link HttpServerCodec} and one handler that answers every
 * request {@code 200 ok}, with the headers Weft sends too ({@code Content-Type},
 * {@code Content-Length}, {@code Date}). Same transport (NIO) and as many loops as Weft's runtime,
 * so the difference is what Weft's server does per request: routing, admission, timeouts, metrics.
 *
 * <p>Also the local server of {@link HttpClientThroughputBenchmark}, started in-process by
 * {@link #start} with a fixed number of loops.
 */
public final class RawNettyServer {
  /** The prefix of the names of the server's loop threads. */
  public static final String THREAD_PREFIX = "hello-server";

  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private RawNettyServer() {}

  /**
   * Listens on 127.0.0.1:{@code port} with one loop per core and prints {@code READY}.
   *
   * @param args {@code <port>}
   * @throws InterruptedException if interrupted while binding
   */
  public static void main(String[] args) throws InterruptedException {
    int port = ScenarioPort.parse(args);
    start(port, Runtime.getRuntime().availableProcessors());
    System.out.println("READY");
  }

  /**
   * Starts the server in this JVM, for benchmarks that need a local HTTP server: its loop threads
   * are named {@value #THREAD_PREFIX}{@code *}, so that they can be told apart from the threads
   * under test.
   *
   * @param port the port on 127.0.0.1, or 0 for any free one
   * @param loops loop threads, at least 1
   * @return the running server; {@link Running#close()} stops it
   * @throws InterruptedException if interrupted while binding
   */
  public static Running start(int port, int loops) throws InterruptedException {
    if (loops < 1) {
      throw new IllegalArgumentException("loops must be >= 1 (was " + loops + ")");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory(THREAD_PREFIX),
        NioIoHandler.newFactory());
    try {
      Channel channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 8192)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(new HttpServerCodec(), new HelloHandler());
            }
          })
          .bind("127.0.0.1", port)
          .sync()
          .channel();
      return new Running(group, ((InetSocketAddress) channel.localAddress()).getPort());
    } catch (InterruptedException | RuntimeException failure) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw failure;
    }
  }

  /** A server started by {@link #start}: where it listens, and how to stop it. */
  public static final class Running implements AutoCloseable {
    private final EventLoopGroup group;
    private final int port;

    private Running(EventLoopGroup group, int port) {
      this.group = group;
      this.port = port;
    }

    /**
     * The port it listens on, on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
      return port;
    }

    /** Closes the listening socket and every connection, and waits up to 5 s for the loops to end. */
    @Override
    public void close() {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Answers each request as its head arrives; flushes once per read batch. */
  private static final class HelloHandler extends SimpleChannelInboundHandler<HttpObject> {
    private long dateSecond = -1; // loop-confined: each channel has its own handler
    private String date = "";

    @Override
    protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
      if (!(message instanceof HttpRequest request)) {
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(OK));
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, OK.length)
          .set(HttpHeaderNames.DATE, date());
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        context.write(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        context.write(response);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
      context.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close();
    }

    private String date() {
      long now = System.currentTimeMillis();
      if (now / 1000 != dateSecond) {
        dateSecond = now / 1000;
        date = DateFormatter.format(new Date(now));
      }
      return date;
    }
  }
}
