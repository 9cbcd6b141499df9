package dev.weft.internal.loop;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** A Netty I/O event loop group whose children are {@link WeftEventLoop}s. */
final class WeftEventLoopGroup extends MultiThreadIoEventLoopGroup {

  WeftEventLoopGroup(int loops, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
    super(loops, threadFactory, ioHandlerFactory);
  }

  @Override
  protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
    return new WeftEventLoop(this, executor, ioHandlerFactory);
  }
}
