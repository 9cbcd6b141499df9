package dev.weft.benchmarks.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
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
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * The hello-world baseline: Netty's {@link HttpServerCodec} and one handler that answers every
 * request {@code 200 ok}, with the headers Weft sends too ({@code Content-Type},
 * {@code Content-Length}, {@code Date}). Same transport (NIO) and as many loops as Weft's runtime,
 * so the difference is what Weft's server does per request: routing, admission, timeouts, metrics.
 */
public final class RawNettyServer {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private RawNettyServer() {}

  /**
   * Listens on 127.0.0.1:{@code port} and prints {@code READY}.
   *
   * @param args {@code <port>}
   * @throws InterruptedException if interrupted while binding
   */
  public static void main(String[] args) throws InterruptedException {
    int port = ScenarioPort.parse(args);
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
        Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
    new ServerBootstrap()
        .group(loops)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 8192)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HelloHandler());
          }
        })
        .bind("127.0.0.1", port)
        .sync();
    System.out.println("READY");
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
