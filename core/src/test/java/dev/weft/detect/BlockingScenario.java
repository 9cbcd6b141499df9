package dev.weft.detect;

import dev.weft.metrics.BlockingCallSite.Kind;
import dev.weft.testing.Polling;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One kind of blocking call of the detection table, made so that it blocks for at least
 * {@link #BLOCKED_FOR} on whatever thread runs {@link #block()}: the test thread waits until the
 * blocker is seen inside the call (its state or stack), lets it stay blocked that long, then
 * releases it. No timing luck: the call lasts at least that long on any machine.
 */
abstract class BlockingScenario implements AutoCloseable {
  /** How long each call blocks: twice the detector's 1 ms default, with margin. */
  static final Duration BLOCKED_FOR = Duration.ofMillis(3);
  private static final Duration SEEN_BLOCKED = Duration.ofSeconds(10);

  final Kind kind;
  /** A frame the JFR stack must show: the method that blocked. */
  final String blockingFrame;

  BlockingScenario(Kind kind, String blockingFrame) {
    this.kind = kind;
    this.blockingFrame = blockingFrame;
  }

  /** The blocking call, on the thread under test. */
  abstract void block() throws Exception;

  /** On the test thread, once {@code blocker} has started {@link #block()}: waits until it blocks, then releases it after {@link #BLOCKED_FOR}. */
  abstract void releaseWhenBlocked(Thread blocker) throws Exception;

  @Override
  public void close() throws IOException {}

  @Override
  public String toString() {
    return kind.toString();
  }

  /**
   * Keeps the blocker blocked for {@link #BLOCKED_FOR}: this is the duration of the call under
   * test, not a wait for something to happen.
   */
  static void holdTheBlockedCall() {
    long until = System.nanoTime() + BLOCKED_FOR.toNanos();
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  static void awaitInside(Thread blocker, Thread.State state, String frame) {
    Polling.await(blocker.getName() + " blocked in " + frame, SEEN_BLOCKED,
        () -> (state == null || blocker.getState() == state)
            && Arrays.stream(blocker.getStackTrace()).anyMatch(f -> (f.getClassName() + "." + f.getMethodName()).contains(frame)),
        () -> blocker.getState() + " " + Arrays.toString(blocker.getStackTrace()));
  }

  /** The scenario of the detection table for {@code kind}. */
  static BlockingScenario of(Kind kind) {
    switch (kind) {
      case SOCKET_READ: return new SocketRead();
      case SLEEP: return new Sleep();
      case MONITOR_ENTER: return new MonitorEnter();
      case MONITOR_WAIT: return new MonitorWait();
      case FILE_READ: return new FileRead();
      case PARK: return new LatchPark();
      default: throw new IllegalArgumentException("no scenario for " + kind);
    }
  }

  /** A read through a legacy client: a plain java.net.Socket, waiting for a local server's reply. */
  static final class SocketRead extends BlockingScenario {
    private final ServerSocket server;
    private final Socket client;
    private final Socket served;

    SocketRead() {
      super(Kind.SOCKET_READ, "java.net.Socket$SocketInputStream.read");
      try {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        served = server.accept();
      } catch (IOException e) {
        throw new IllegalStateException("cannot open a local socket", e);
      }
    }

    @Override
    void block() throws Exception {
      InputStream in = client.getInputStream();
      if (in.read() != 42) {
        throw new IOException("the server's byte did not arrive");
      }
    }

    @Override
    void releaseWhenBlocked(Thread blocker) throws Exception {
      awaitInside(blocker, null, "SocketInputStream.read");
      holdTheBlockedCall();
      OutputStream out = served.getOutputStream();
      out.write(42);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      served.close();
      client.close();
      server.close();
    }
  }

  static final class Sleep extends BlockingScenario {
    Sleep() {
      super(Kind.SLEEP, "java.lang.Thread.sleep");
    }

    @Override
    void block() throws InterruptedException {
      Thread.sleep(BLOCKED_FOR.toMillis());
    }

    @Override
    void releaseWhenBlocked(Thread blocker) {}
  }

  /** A contended synchronized: another thread holds the monitor. */
  static final class MonitorEnter extends BlockingScenario {
    private final Object lock = new Object();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread holder = new Thread(() -> {
      synchronized (lock) {
        held.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "monitor-holder");

    MonitorEnter() {
      super(Kind.MONITOR_ENTER, "dev.weft.detect.BlockingScenario$MonitorEnter.block");
      holder.start();
      try {
        // here, not in block(): waiting on the loop would be a blocking call of its own
        if (!held.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the holder did not take the monitor");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    void block() {
      synchronized (lock) {
        lock.notifyAll(); // anything, once the monitor is ours
      }
    }

    @Override
    void releaseWhenBlocked(Thread blocker) throws InterruptedException {
      Polling.await(blocker.getName() + " blocked on the monitor", SEEN_BLOCKED,
          () -> blocker.getState() == Thread.State.BLOCKED);
      holdTheBlockedCall();
      release.countDown();
      holder.join();
    }

    @Override
    public void close() {
      release.countDown(); // the holder ends at once: it only waits for this
    }
  }

  static final class MonitorWait extends BlockingScenario {
    private final Object lock = new Object();
    private boolean notified; // guarded by lock

    MonitorWait() {
      super(Kind.MONITOR_WAIT, "java.lang.Object.wait");
    }

    @Override
    void block() throws InterruptedException {
      synchronized (lock) {
        while (!notified) {
          lock.wait();
        }
      }
    }

    @Override
    void releaseWhenBlocked(Thread blocker) {
      awaitInside(blocker, Thread.State.WAITING, "java.lang.Object.wait");
      holdTheBlockedCall();
      synchronized (lock) {
        notified = true;
        lock.notifyAll();
      }
    }
  }

  /** FileInputStream.read from a named pipe, which waits until the test writes to it. */
  static final class FileRead extends BlockingScenario {
    private final Path fifo;

    FileRead() {
      super(Kind.FILE_READ, "java.io.FileInputStream.read");
      try {
        Path dir = Files.createTempDirectory("weft-detect");
        fifo = dir.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
          throw new IllegalStateException("mkfifo failed: " + new String(mkfifo.getInputStream().readAllBytes()));
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("this test needs mkfifo (Linux, macOS)", e);
      }
    }

    @Override
    void block() throws IOException {
      try (FileInputStream in = new FileInputStream(fifo.toFile())) {
        if (in.read() != 42) {
          throw new IOException("the written byte did not arrive");
        }
      }
    }

    @Override
    void releaseWhenBlocked(Thread blocker) throws IOException {
      try (FileOutputStream out = new FileOutputStream(fifo.toFile())) { // waits for the reader to open it
        awaitInside(blocker, null, "java.io.FileInputStream.read");
        holdTheBlockedCall();
        out.write(42);
      }
    }

    @Override
    public void close() throws IOException {
      Files.deleteIfExists(fifo);
      Files.deleteIfExists(fifo.getParent());
    }
  }

  /** LockSupport.park, through CountDownLatch.await. */
  static final class LatchPark extends BlockingScenario {
    private final CountDownLatch latch = new CountDownLatch(1);

    LatchPark() {
      super(Kind.PARK, "java.util.concurrent.locks.LockSupport.park");
    }

    @Override
    void block() throws InterruptedException {
      latch.await();
    }

    @Override
    void releaseWhenBlocked(Thread blocker) {
      awaitInside(blocker, Thread.State.WAITING, "java.util.concurrent.CountDownLatch.await");
      holdTheBlockedCall();
      latch.countDown();
    }
  }
}
