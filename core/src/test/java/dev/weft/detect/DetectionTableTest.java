package dev.weft.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.blocking.BlockingCallDetection;
import dev.weft.future.Future;
import dev.weft.metrics.BlockingCallSite;
import dev.weft.metrics.BlockingCalls;
import dev.weft.testing.LogCapture;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The detection table: each kind of blocking call, made on a loop for a few milliseconds, is
 * reported once with its kind, call site and stack; the same call made through a blocking adapter
 * is not reported.
 */
class DetectionTableTest {
  private static final Duration DELIVERY = Duration.ofSeconds(15);

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("detect-table")
      .configure(builder -> builder.detectBlockingCalls(BlockingCallDetection.enabled()));

  @ParameterizedTest
  @EnumSource(names = {"SOCKET_READ", "SLEEP", "MONITOR_ENTER", "MONITOR_WAIT", "FILE_READ", "PARK"})
  void aBlockingCallOnALoopIsReportedWithItsStack(BlockingCallSite.Kind kind) throws Exception {
    BlockingCalls before = BlockingCalls.of(weft.runtime());
    try (LogCapture log = new LogCapture(BlockingCallDetection.LOGGER_NAME);
        BlockingScenario scenario = BlockingScenario.of(kind)) {
      runAndRelease(scenario, blocker -> weft.loop(0).submit(() -> {
        blocker.set(Thread.currentThread());
        try {
          scenario.block();
          return Future.succeeded(null);
        } catch (Exception failure) {
          return Future.failed(failure);
        }
      }));

      BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
      List<BlockingCallSite> sites = sitesOf(scenario, seen);
      assertThat(sites).as(seen.describe()).hasSize(1);
      BlockingCallSite site = sites.get(0);
      assertThat(site.kind()).as(seen.describe()).isEqualTo(kind);
      assertThat(site.callSite()).as("the call site is the scenario's block(), the first frame outside the JDK")
          .startsWith(scenario.getClass().getName() + ".block(line ");
      assertThat(site.stack()).as("the whole stack, from the blocking call down to the loop's run")
          .anyMatch(frame -> frame.startsWith(scenario.getClass().getName() + ".block("))
          .anyMatch(frame -> frame.startsWith("dev.weft.internal.loop.WeftEventLoop.run"));
      // JDK 17 records the JDK's frames above the call site (Thread.sleep, SocketInputStream.read);
      // from JDK 22 the I/O and sleep events leave them out and start at the caller
      List<String> aboveTheCallSite = site.stack().subList(0, site.stack().indexOf(site.callSite()));
      assertThat(aboveTheCallSite).as("frames above the call site are the JDK's blocking method")
          .allMatch(frame -> frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun."));
      if (!aboveTheCallSite.isEmpty() || Runtime.version().feature() < 22) {
        assertThat(site.stack()).as("the stack shows the blocking method").anyMatch(frame -> frame.startsWith(scenario.blockingFrame));
      }
      assertThat(site.loop()).isEqualTo(weft.loop(0).name());
      assertThat(site.longest()).as("the call blocked at least as long as the scenario held it")
          .isGreaterThanOrEqualTo(BlockingScenario.BLOCKED_FOR);
      List<String> warnings = log.warningsContaining("blocking call on loop " + weft.loop(0).name());
      assertThat(warnings).as("one WARN, naming the kind and the call site").hasSize(1);
      assertThat(warnings.get(0)).contains(kind.toString(), site.callSite(), "at " + site.stack().get(0));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"SOCKET_READ", "SLEEP", "MONITOR_ENTER", "MONITOR_WAIT", "FILE_READ", "PARK"})
  void theSameCallThroughAnAdapterIsNotReported(BlockingCallSite.Kind kind) throws Exception {
    BlockingCalls before = BlockingCalls.of(weft.runtime());
    try (BlockingScenario scenario = BlockingScenario.of(kind)) {
      runAndRelease(scenario, blocker -> weft.loop(0).submit(() -> weft.runtime().blocking().call(() -> {
        blocker.set(Thread.currentThread());
        scenario.block();
        return null;
      })));

      BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
      assertThat(seen.enabled()).isTrue();
      assertThat(sitesOf(scenario, seen)).as(seen.describe()).isEmpty();
    }
  }

  /**
   * The sites of the scenario's calls. Only those: the first use of a class on a loop may block
   * too (a static initialiser that starts a thread), which is reported, but is not this test's call.
   */
  private static List<BlockingCallSite> sitesOf(BlockingScenario scenario, BlockingCalls seen) {
    return seen.sites().stream()
        .filter(site -> site.stack().stream().anyMatch(frame -> frame.startsWith(scenario.getClass().getName() + ".")))
        .collect(java.util.stream.Collectors.toList());
  }

  /** Starts the scenario's call, releases it once it has blocked long enough, and waits for it to end. */
  private static void runAndRelease(BlockingScenario scenario,
      java.util.function.Function<AtomicReference<Thread>, Future<?>> start) throws Exception {
    AtomicReference<Thread> blocker = new AtomicReference<>();
    Future<?> done = start.apply(blocker);
    dev.weft.testing.Polling.await("the blocking call to start", DELIVERY, () -> blocker.get() != null);
    scenario.releaseWhenBlocked(blocker.get());
    done.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
