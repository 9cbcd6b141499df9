package dev.weft.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every test class
 * of this module through {@code META-INF/services} (autodetection is on in
 * {@code junit-platform.properties}), so it is loaded — and installs its recording detector —
 * before any test touches a Netty buffer.
 *
 * <p>After the class, it forces garbage collection and allocates a few buffers (a detector reports
 * collected, unreleased buffers when it tracks a new one), then fails the class with every leak's
 * access records. Leak detection runs at the paranoid level (the parent pom's surefire argLine),
 * so every buffer is tracked.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
  private static final RecordingLeakDetectorFactory DETECTORS = RecordingLeakDetectorFactory.install();

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!DETECTORS.watches(touchByteBuf())) {
      throw new IllegalStateException("Netty created its ByteBuf leak detector before NettyLeakCheck installed the "
          + "recording one; leaks would go unnoticed. Is the extension registered in META-INF/services?");
    }
    if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
      throw new IllegalStateException("tests must run with -Dio.netty.leakDetection.level=paranoid (was "
          + ResourceLeakDetector.getLevel() + ")");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = flushLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported while " + context.getDisplayName()
          + " ran:\n" + String.join("\n\n", leaks));
    }
  }

  /** Collects garbage and lets the detectors look at what was collected; returns (and forgets) what they found. */
  static List<String> flushLeaks() {
    List<String> leaks = new ArrayList<>();
    for (int round = 0; round < 6; round++) {
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the reference handler enqueues after the GC
      for (int i = 0; i < 4; i++) {
        ByteBufAllocator.DEFAULT.buffer(8).release();
        UnpooledByteBufAllocator.DEFAULT.buffer(8).release();
        ByteBufAllocator.DEFAULT.directBuffer(8).release();
      }
      leaks.addAll(DETECTORS.takeLeaks());
    }
    return leaks;
  }

  private static Class<?> touchByteBuf() {
    ByteBufAllocator.DEFAULT.buffer(1).release(); // initializes the buffer classes, and their detector
    return ByteBuf.class;
  }
}
