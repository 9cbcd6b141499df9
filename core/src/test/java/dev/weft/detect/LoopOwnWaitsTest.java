package dev.weft.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.blocking.BlockingCallDetection;
import dev.weft.future.Future;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.metrics.BlockingCalls;
import dev.weft.testing.FailureRecorder;
import dev.weft.testing.WeftRuntimeExtension;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The loop's own waits are never reported: with a zero threshold, JFR records every park, monitor
 * wait, sleep and socket read of the loop threads, however short, so a report here would mean the
 * filter (LoopOwnWaits) misses a kind of the loop's own machinery, not that it happened to be fast.
 */
class LoopOwnWaitsTest {
  private static final Duration DELIVERY = Duration.ofSeconds(15);
  private static final BlockingCallDetection EVERY_EVENT = BlockingCallDetection.enabled().threshold(Duration.ZERO);

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("own-waits")
      .configure(builder -> builder.detectBlockingCalls(EVERY_EVENT).watchdogInterval(Duration.ofMillis(1))
          .blockedThreshold(Duration.ofSeconds(30)));

  @Test
  void idleLoopsAreNotReported() throws Exception {
    BlockingCalls before = BlockingCalls.of(weft.runtime());
    // two deliveries: the loops idle in the selector for two JFR flushes (about 2 s), woken every
    // millisecond by the watchdog's pings from another thread (the selector's wake-up lock)
    BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY);
    BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
    assertThat(seen.enabled()).isTrue();
    assertThat(seen.sites()).as(seen.describe()).isEmpty();
  }

  @Test
  void busyLoopsWokenFromManyThreadsAreNotReported() throws Exception {
    keepTheLoopsBusy(); // first use: class initialisation is not what this test is about
    BlockingCalls before = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY);
    keepTheLoopsBusy();
    BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
    assertThat(seen.sites()).as(seen.describe()).isEmpty();
  }

  private static void keepTheLoopsBusy() throws Exception {
    int producers = 4;
    int tasksEach = 20_000;
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch allRan = new CountDownLatch(producers * tasksEach * 2);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      Thread producer = new Thread(() -> {
        for (int i = 0; i < tasksEach; i++) {
          Loop first = weft.loop(i % 2);
          Loop other = weft.loop((i + 1) % 2);
          // each task hops to the other loop: wake-ups from loop threads and from producers
          first.execute(() -> {
            ran.incrementAndGet();
            allRan.countDown();
            other.execute(() -> {
              ran.incrementAndGet();
              allRan.countDown();
            });
          });
        }
      }, "producer-" + p);
      threads.add(producer);
      producer.start();
    }
    for (Thread producer : threads) {
      producer.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(allRan.await(30, TimeUnit.SECONDS)).as("tasks run: %s", ran).isTrue();
    // and results handed back from adapter workers to the loops
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) { // within the default pool's queue
      int value = i;
      calls.add(weft.loop(i % 2).submit(() -> weft.runtime().blocking().call(() -> value).map(v -> v + 1))
          .toCompletableFuture());
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
  }

  @Test
  void nettyChannelIoOnTheLoopsIsNotReported() throws Exception {
    echoOverNettyOnTheLoops(); // first use: class initialisation is not what this test is about
    BlockingCalls before = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY);
    echoOverNettyOnTheLoops();
    BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
    assertThat(seen.sites()).as("Netty's non-blocking channel reads and writes: " + seen.describe()).isEmpty();
  }

  /**
   * One echo connection over Netty channels on the runtime's loops; returns once both channels
   * are closed and their loops have run what the closes queued, so none of this round's work (the
   * first round's class initialisations above all) lands in the next round's window.
   */
  private static void echoOverNettyOnTheLoops() throws Exception {
    Queue<Channel> children = new ConcurrentLinkedQueue<>();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(DefaultAsyncRuntime.of(weft.runtime(), "this test").eventLoopGroup())
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            children.add(channel);
            channel.pipeline().addLast(new Echo());
          }
        });
    Channel server = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.localAddress()).getPort())) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      DataInputStream in = new DataInputStream(client.getInputStream());
      byte[] message = new byte[512];
      for (int round = 0; round < 2_000; round++) {
        message[0] = (byte) round;
        out.write(message);
        out.flush();
        byte[] echoed = new byte[message.length];
        in.readFully(echoed);
        assertThat(echoed[0]).isEqualTo((byte) round);
      }
    } finally {
      server.close().sync();
    }
    // The client's close reaches the child channel asynchronously: it closes on its loop when it
    // reads the end of stream, and its deregistration is a task that close queues on that loop.
    for (Channel child : children) {
      assertThat(child.closeFuture().await(10, TimeUnit.SECONDS)).as("the server's end of the connection closed").isTrue();
    }
    List<Channel> closed = new ArrayList<>(children);
    closed.add(server);
    for (Channel channel : closed) {
      for (int task = 0; task < 2; task++) { // the close's task, then any task it queued
        assertThat(channel.eventLoop().submit(() -> { }).await(10, TimeUnit.SECONDS)).as("the loop ran its tasks").isTrue();
      }
    }
  }

  @Test
  void aRuntimeShuttingDownIsNotReported() throws Exception {
    FailureRecorder failures = new FailureRecorder();
    AsyncRuntime runtime = AsyncRuntime.builder().name("own-waits-shutdown").loops(2).detectBlockingCalls(EVERY_EVENT)
        .shutdownGracePeriod(Duration.ofMillis(500)).unhandledFailureHandler(failures).build();
    for (Loop loop : runtime.loops()) {
      loop.submit(() -> Future.succeeded(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    BlockingCalls before = BlockingCalls.awaitDelivered(runtime, DELIVERY);
    assertThat(runtime.shutdown(Duration.ofMillis(500))).as("the runtime and its detector stopped").isTrue();

    BlockingCalls seen = BlockingCalls.awaitDelivered(runtime, DELIVERY).since(before);
    assertThat(seen.enabled()).isTrue();
    assertThat(seen.sites()).as("Netty's quiet period and Weft's last drain: " + seen.describe()).isEmpty();
    failures.assertNothingReportedAndClear();
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
      context.write(message);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
      context.flush();
    }
  }
}
