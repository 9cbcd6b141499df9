package dev.weft.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.BlockingCallDetection;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The extension as a user's suite sees it: the suites below run through the JUnit launcher. */
class NoBlockingCallsOnLoopsTest {

  @Test
  void aTestThatBlocksALoopFailsWithTheCallSiteAndItsStack() {
    TestExecutionSummary summary = run(UserSuite.class);
    assertThat(summary.getTestsSucceededCount()).as("the test that goes through the adapter").isEqualTo(1);
    assertThat(summary.getTestsFailedCount()).as("the test that sleeps on a loop").isEqualTo(1);
    TestExecutionSummary.Failure failure = summary.getFailures().get(0);
    assertThat(failure.getTestIdentifier().getDisplayName()).isEqualTo("sleepsOnALoop()");
    assertThat(failure.getException()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("a loop thread of runtime 'user-suite' made a blocking call during this test")
        .hasMessageContaining("SLEEP at " + UserSuite.class.getName() + ".lambda$sleepsOnALoop$")
        .hasMessageContaining("\tat ");
  }

  @Test
  void aRuntimeWithoutDetectionFailsEachTestWithTheRemedy() {
    TestExecutionSummary summary = run(SuiteWithoutDetection.class);
    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    assertThat(summary.getFailures().get(0).getException()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot check runtime 'no-detection'")
        .hasMessageContaining("-Dweft.detectBlockingCalls=true");
  }

  @Test
  void aBadDeliveryTimeoutIsRefused() {
    NoBlockingCallsOnLoops extension = NoBlockingCallsOnLoops.in(() -> null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> extension.deliveryTimeout(Duration.ofMillis(10)))
        .hasMessage("deliveryTimeout must be between PT1S and PT10M (was PT0.01S)");
  }

  private static TestExecutionSummary run(Class<?> suite) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(suite)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    List<String> ran = summary.getFailures().stream().map(f -> f.getTestIdentifier().getDisplayName())
        .collect(Collectors.toList());
    assertThat(summary.getTestsStartedCount()).as("tests started; failures: %s", ran).isPositive();
    return summary;
  }

  /** A user's test class. Nested, so that Surefire does not run it on its own. */
  static class UserSuite {
    static AsyncRuntime runtime;

    @RegisterExtension
    static final NoBlockingCallsOnLoops noBlocking = NoBlockingCallsOnLoops.in(() -> runtime);

    @BeforeAll
    static void start() {
      runtime = AsyncRuntime.builder().name("user-suite").loops(1)
          .detectBlockingCalls(BlockingCallDetection.enabled()).build();
    }

    @AfterAll
    static void stop() {
      runtime.close();
    }

    @Test
    void sleepsOnALoop() throws Exception {
      runtime.loops().get(0).submit(() -> {
        try {
          Thread.sleep(3);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Future.succeeded(null);
      }).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void sleepsThroughTheAdapter() throws Exception {
      runtime.loops().get(0).submit(() -> runtime.blocking().call(() -> {
        Thread.sleep(3);
        return null;
      })).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A user's test class whose runtime does not detect. */
  static class SuiteWithoutDetection {
    static AsyncRuntime runtime;

    @RegisterExtension
    static final NoBlockingCallsOnLoops noBlocking = NoBlockingCallsOnLoops.in(() -> runtime);

    @BeforeAll
    static void start() {
      runtime = AsyncRuntime.builder().name("no-detection").loops(1).build();
    }

    @AfterAll
    static void stop() {
      runtime.close();
    }

    @Test
    void anything() {}
  }
}
