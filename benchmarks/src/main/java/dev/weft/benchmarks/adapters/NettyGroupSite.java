package dev.weft.benchmarks.adapters;

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.FutureListener;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@code DefaultEventExecutorGroup}: {@code group.submit(work).addListener(...)}, the
 * listener (which runs on the executor's thread) handing the value back to the loop. Each of the
 * group's executors is one thread with its own queue; {@code submit} picks them round-robin.
 */
final class NettyGroupSite implements CallSite {
  private final WeftLoop home;
  private final DefaultEventExecutorGroup group;
  private final Callable<Object> work;
  private final FutureListener<Object> listener;
  private Sink sink;

  NettyGroupSite(int threads, Callable<Object> work) {
    this.home = new WeftLoop();
    this.group = new DefaultEventExecutorGroup(threads);
    this.work = work;
    Executor loop = home.executor;
    this.listener = future -> {
      if (future.isSuccess()) {
        Object value = future.getNow();
        loop.execute(() -> sink.accept(value, null));
      } else {
        Throwable failure = future.cause();
        loop.execute(() -> sink.accept(null, failure));
      }
    };
  }

  @Override
  public Executor loop() {
    return home.executor;
  }

  @Override
  public void bind(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void call() {
    group.submit(work).addListener(listener);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    home.close();
  }
}
