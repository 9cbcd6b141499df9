package dev.weft.internal;

import dev.weft.AsyncRuntime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A program run in a JVM without an SLF4J provider by {@link WeftLoggersTest}: it blocks a loop once. */
public final class BlockALoopWithoutLogging {
  private BlockALoopWithoutLogging() {}

  public static void main(String[] args) throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("nolog").loops(1)
        .blockedThreshold(Duration.ofMillis(50)).watchdogInterval(Duration.ofMillis(10)).build()) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      runtime.loops().get(0).execute(() -> {
        sleepOnTheLoop();
        done.complete(null);
      });
      done.get(10, TimeUnit.SECONDS);
      Thread.sleep(200); // lets the watchdog report the block's end too before the runtime closes
    }
  }

  private static void sleepOnTheLoop() {
    try {
      Thread.sleep(400);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
