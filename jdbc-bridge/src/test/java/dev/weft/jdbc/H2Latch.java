package dev.weft.jdbc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A statement that runs exactly as long as a test wants: {@code SELECT AWAIT_LATCH('name')} blocks
 * its worker until the test calls {@link #release}, then returns 1 (at most 10 s, so a failing test
 * cannot hang). Register it with {@link #CREATE_ALIAS}. H2 cannot cancel it: use it only for
 * statements the test lets finish.
 */
public final class H2Latch {
  static final String CREATE_ALIAS = "CREATE ALIAS AWAIT_LATCH FOR 'dev.weft.jdbc.H2Latch.await'";
  private static final ConcurrentHashMap<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();

  private H2Latch() {}

  /**
   * Called by H2 on the bridge's worker.
   *
   * @param name the latch
   * @return 1 once released
   * @throws InterruptedException if the worker is interrupted
   */
  public static int await(String name) throws InterruptedException {
    entered(name).countDown();
    return latch(name).await(10, TimeUnit.SECONDS) ? 1 : 0;
  }

  /** Waits (at most 10 s) until a statement runs {@code AWAIT_LATCH(name)}; true if one does. */
  static boolean awaitEntered(String name) throws InterruptedException {
    return entered(name).await(10, TimeUnit.SECONDS);
  }

  private static CountDownLatch entered(String name) {
    return ENTERED.computeIfAbsent(name, key -> new CountDownLatch(1));
  }

  static void release(String name) {
    latch(name).countDown();
  }

  private static CountDownLatch latch(String name) {
    return LATCHES.computeIfAbsent(name, key -> new CountDownLatch(1));
  }
}
