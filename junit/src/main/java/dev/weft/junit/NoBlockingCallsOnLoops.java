package dev.weft.junit;

import dev.weft.AsyncRuntime;
import dev.weft.metrics.BlockingCalls;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when one of a runtime's loop threads made a blocking call while the test ran: a
 * socket or file read or write, {@code Thread.sleep}, a contended {@code synchronized},
 * {@code Object.wait} or {@code LockSupport.park} that lasted longer than the detector's threshold
 * (1 ms by default). The failure lists each call site with its stack.
 *
 * <pre>{@code
 * static AsyncRuntime runtime = AsyncRuntime.builder()
 *     .detectBlockingCalls(BlockingCallDetection.enabled())
 *     .build();
 *
 * @RegisterExtension
 * static NoBlockingCallsOnLoops noBlocking = NoBlockingCallsOnLoops.in(() -> runtime);
 * }</pre>
 *
 * <p>The runtime must detect blocking calls: built with
 * {@code detectBlockingCalls(BlockingCallDetection.enabled())}, or in a JVM started with
 * {@code -Dweft.detectBlockingCalls=true} (Surefire's {@code argLine}); otherwise each test fails
 * with a message that says so. The check runs right after the test method, before
 * {@code @AfterEach} methods: it waits until JDK Flight Recorder has delivered the events of the
 * calls made so far (about a second), so each checked test takes about a second longer. A call
 * site a test accepts is allowed with {@code BlockingCallDetection.allow(..)}. Tests that share a
 * runtime must not run in parallel, or one test's blocking call may fail another.
 */
public final class NoBlockingCallsOnLoops implements BeforeTestExecutionCallback, AfterTestExecutionCallback {
  private static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);

  private final Supplier<? extends AsyncRuntime> runtime;
  private final Duration deliveryTimeout;
  private volatile BlockingCalls before; // the detector's counts when the running test began

  private NoBlockingCallsOnLoops(Supplier<? extends AsyncRuntime> runtime, Duration deliveryTimeout) {
    this.runtime = runtime;
    this.deliveryTimeout = deliveryTimeout;
  }

  /**
   * Checks the loops of the runtime {@code runtime} supplies. It is asked for the runtime just
   * before each test method runs, so the runtime may be created in {@code @BeforeAll} or
   * {@code @BeforeEach}.
   *
   * @param runtime supplies the runtime under test, built with blocking-call detection
   * @return the extension, to register with {@code @RegisterExtension}
   */
  public static NoBlockingCallsOnLoops in(Supplier<? extends AsyncRuntime> runtime) {
    return new NoBlockingCallsOnLoops(Objects.requireNonNull(runtime, "runtime"), DEFAULT_DELIVERY_TIMEOUT);
  }

  /**
   * How long to wait, after each test, for JFR to deliver the events of its calls. Default 30
   * seconds; JFR delivers about once a second, so this matters only on a starved machine.
   *
   * @param timeout 1 second to 10 minutes
   * @return a copy with this timeout
   * @throws IllegalArgumentException if out of range
   */
  public NoBlockingCallsOnLoops deliveryTimeout(Duration timeout) {
    if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("deliveryTimeout must be between PT1S and PT10M (was " + timeout + ")");
    }
    return new NoBlockingCallsOnLoops(runtime, timeout);
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    BlockingCalls now = BlockingCalls.of(runtimeUnderTest());
    if (!now.enabled()) {
      throw new IllegalStateException("NoBlockingCallsOnLoops cannot check runtime '" + runtimeUnderTest().name()
          + "': " + now.describe());
    }
    before = now;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) throws InterruptedException, TimeoutException {
    BlockingCalls seen = BlockingCalls.awaitDelivered(runtimeUnderTest(), deliveryTimeout).since(before);
    if (!seen.sites().isEmpty()) {
      throw new AssertionError("a loop thread of runtime '" + runtimeUnderTest().name()
          + "' made a blocking call during this test; move it to a blocking adapter (runtime.blocking().call(...)) "
          + "or allow it with BlockingCallDetection.allow(..). " + seen.describe());
    }
  }

  private AsyncRuntime runtimeUnderTest() {
    AsyncRuntime current = runtime.get();
    if (current == null) {
      throw new IllegalStateException("NoBlockingCallsOnLoops: the runtime supplier returned null; create the "
          + "runtime in @BeforeAll or @BeforeEach, or in the field's initializer");
    }
    return current;
  }
}
