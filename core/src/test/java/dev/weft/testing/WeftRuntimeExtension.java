package dev.weft.testing;

import dev.weft.AsyncRuntime;
import dev.weft.AsyncRuntimeBuilder;
import dev.weft.Loop;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a runtime and closes it: registered on a {@code static} field, one runtime
 * for the class (opened before {@code @BeforeAll} methods, closed after {@code @AfterAll}); on
 * an instance field, one per test. Unhandled failures go to a {@link FailureRecorder}; after each
 * test the extension asserts that none was reported (unless {@link #allowUnhandledFailures()}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-join");
 *
 * @Test
 * void something() {
 *   Promise<String> promise = weft.loop(0).newPromise();
 * }
 * }</pre>
 *
 * <p>Defaults: two loops, a 2 s shutdown grace period, and a 30 s blocked-loop threshold (tests
 * hold loops on latches on purpose).
 */
public final class WeftRuntimeExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final String name;
  private final FailureRecorder failures = new FailureRecorder();
  private Consumer<AsyncRuntimeBuilder> configuration = builder -> {};
  private boolean checkFailures = true;
  private boolean perClass;
  private volatile AsyncRuntime runtime;

  private WeftRuntimeExtension(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * An extension whose runtime has {@code name} (threads are named after it).
   *
   * @param name the runtime's name
   * @return the extension
   */
  public static WeftRuntimeExtension named(String name) {
    return new WeftRuntimeExtension(name);
  }

  /**
   * Adjusts the runtime's builder after the defaults are applied.
   *
   * @param configuration changes to the builder
   * @return this extension
   */
  public WeftRuntimeExtension configure(Consumer<AsyncRuntimeBuilder> configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
    return this;
  }

  /**
   * Lets tests report unhandled failures without failing: they assert on {@link #failures()}.
   *
   * @return this extension
   */
  public WeftRuntimeExtension allowUnhandledFailures() {
    this.checkFailures = false;
    return this;
  }

  /**
   * The runtime of the running test.
   *
   * @return the open runtime
   */
  public AsyncRuntime runtime() {
    AsyncRuntime open = runtime;
    if (open == null) {
      throw new IllegalStateException("no runtime: register WeftRuntimeExtension with @RegisterExtension");
    }
    return open;
  }

  /**
   * One of the runtime's loops.
   *
   * @param index 0 to loops - 1
   * @return the loop
   */
  public Loop loop(int index) {
    return runtime().loops().get(index);
  }

  /**
   * Runs {@code task} on the runtime's next loop, as code on a loop would start work.
   *
   * @param task returns the future to follow
   * @param <R> the result type
   * @return a future that follows the task's future
   */
  public <R> Future<R> onLoop(Supplier<? extends Future<R>> task) {
    return runtime().nextLoop().submit(task);
  }

  /**
   * What the runtime's unhandled-failure handler received.
   *
   * @return the recorder
   */
  public FailureRecorder failures() {
    return failures;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    open();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      open();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      if (checkFailures) {
        failures.assertNothingReportedAndClear();
      }
    } finally {
      if (!perClass) {
        close();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void open() {
    AsyncRuntimeBuilder builder = AsyncRuntime.builder()
        .name(name)
        .loops(2)
        .blockedThreshold(Duration.ofSeconds(30))
        .shutdownGracePeriod(Duration.ofSeconds(2))
        .unhandledFailureHandler(failures);
    configuration.accept(builder);
    runtime = builder.build();
  }

  private void close() {
    AsyncRuntime open = runtime;
    runtime = null;
    if (open != null) {
      open.close();
    }
  }
}
