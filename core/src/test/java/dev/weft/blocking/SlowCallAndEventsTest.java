package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.metrics.LoopMetrics;
import dev.weft.testing.LogCapture;
import dev.weft.testing.Polling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slow calls and saturation: one WARN per incident, and JFR events. */
class SlowCallAndEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-slow").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .watchdogInterval(Duration.ofMillis(10)).blockedThreshold(Duration.ofMillis(100)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  private static BlockingAdapter slowPool(String name) {
    return Adapters.boundedPool(name).maxThreads(2).maxQueue(0).slowCallThreshold(Duration.ofMillis(50))
        .build(runtime);
  }

  /** A legacy call whose frame the slow-call report must show. */
  private static String slowLegacyCall(CountDownLatch release) throws InterruptedException {
    release.await(10, TimeUnit.SECONDS);
    return "done";
  }

  /** Waits until the watchdog has looked at the loops {@code looks} more times. */
  private static void awaitWatchdogLooks(int looks) {
    long before = lagSamples();
    Polling.await("the watchdog looked " + looks + " more times", WAIT, () -> lagSamples() >= before + looks);
  }

  private static long lagSamples() {
    return runtime.metrics().loops().stream().mapToLong(LoopMetrics::lagSamples).sum();
  }

  @Test
  void aCallRunningPastTheSlowCallThresholdIsReportedOnceWithTheWorkersStack() throws Exception {
    BlockingAdapter pool = slowPool("slow-log");
    CountDownLatch release = new CountDownLatch(1);
    try (LogCapture log = new LogCapture("dev.weft.blocking.BlockingAdapter")) {
      Future<String> call = pool.call(() -> slowLegacyCall(release));
      Polling.await("a slow-call WARN", WAIT, () -> !log.warningsContaining("'slow-log'").isEmpty(), log::warnings);
      awaitWatchdogLooks(20); // 20 more looks, each past the threshold

      List<String> warnings = log.warningsContaining("'slow-log'");
      assertThat(warnings).as("WARNs about the one slow call").hasSize(1);
      assertThat(warnings.get(0)).as("the WARN")
          .contains("a call on bounded pool 'slow-log' has been running for")
          .contains("(slowCallThreshold 50ms) on thread bt-slow-slow-log-")
          .contains("SlowCallAndEventsTest.slowLegacyCall");
      release.countDown();
      assertThat(call.join(WAIT)).isEqualTo("done");
    }
  }

  @Test
  void eachSlowCallIsReportedOnce() throws Exception {
    BlockingAdapter pool = slowPool("slow-each");
    CountDownLatch release = new CountDownLatch(1);
    try (LogCapture log = new LogCapture("dev.weft.blocking.BlockingAdapter")) {
      Future<String> first = pool.call(() -> slowLegacyCall(release));
      Future<String> second = pool.call(() -> slowLegacyCall(release));
      Polling.await("a WARN for each slow call", WAIT, () -> log.warningsContaining("'slow-each'").size() >= 2,
          log::warnings);
      awaitWatchdogLooks(20);
      assertThat(log.warningsContaining("'slow-each'")).as("WARNs about two slow calls").hasSize(2);
      release.countDown();
      first.join(WAIT);
      second.join(WAIT);
    }
  }

  @Test
  void saturationIsLoggedOnceNotEachTimeThePoolFlapsBetweenFullAndNot() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("saturation-log").maxThreads(1).maxQueue(0).build(runtime);
    try (LogCapture log = new LogCapture("dev.weft.blocking.BlockingAdapter")) {
      for (int episode = 1; episode <= 3; episode++) {
        Gate gate = new Gate();
        Future<String> holder = pool.call(gate.call("held"));
        gate.awaitEntered(1);
        for (int i = 0; i < 3; i++) {
          assertThatThrownBy(() -> pool.call(() -> "refused").join(Duration.ZERO)).isInstanceOf(RejectedException.class);
        }
        gate.open();
        holder.join(WAIT);
      }
      List<String> warnings = log.warningsContaining("bounded pool 'saturation-log' is saturated");
      assertThat(warnings).as("WARNs after 3 quick episodes of 3 rejections each").hasSize(1);
      assertThat(warnings.get(0)).as("the WARN").contains("(1/1 running, 0/0 queued)")
          .contains("(1 rejected so far; logged at most every 10.0s");
      assertThat(pool.stats().rejected()).as("rejections counted, logged or not").isEqualTo(9);
    }
  }

  @Test
  void rejectedAndSlowCallsAreRecordedAsJfrEvents() throws Exception {
    BlockingAdapter pool = slowPool("jfr");
    Path dump = Files.createTempFile("weft-blocking", ".jfr");
    List<RecordedEvent> events;
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.RejectedCall");
      recording.enable("dev.weft.SlowCall");
      recording.start();
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(2);
      try (LogCapture log = new LogCapture("dev.weft.blocking.BlockingAdapter")) {
        Future<String> first = pool.call(() -> {
          started.countDown();
          return slowLegacyCall(release);
        });
        Future<String> second = pool.call(() -> {
          started.countDown();
          return slowLegacyCall(release);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).as("both calls started").isTrue();
        assertThatThrownBy(() -> pool.call(() -> "refused").join(Duration.ZERO)).isInstanceOf(RejectedException.class);
        Polling.await("both calls reported slow", WAIT, () -> log.warningsContaining("'jfr'").size() >= 3,
            log::warnings); // one saturation WARN, two slow-call WARNs
        awaitWatchdogLooks(10); // the watchdog commits a slow call's event just after its WARN
        release.countDown();
        first.join(WAIT);
        second.join(WAIT);
      }
      recording.stop();
      recording.dump(dump);
      events = RecordingFile.readAllEvents(dump);
    } finally {
      Files.deleteIfExists(dump);
    }

    List<RecordedEvent> rejected = ofType(events, "dev.weft.RejectedCall");
    assertThat(rejected).as("RejectedCall events").hasSize(1);
    assertThat(rejected.get(0).getString("adapter")).as("adapter").isEqualTo("jfr");
    assertThat(rejected.get(0).getInt("running")).as("running").isEqualTo(2);
    assertThat(rejected.get(0).getInt("queued")).as("queued").isZero();

    List<RecordedEvent> slow = ofType(events, "dev.weft.SlowCall");
    assertThat(slow).as("SlowCall events").hasSize(2);
    for (RecordedEvent event : slow) {
      assertThat(event.getString("adapter")).as("adapter").isEqualTo("jfr");
      assertThat(event.getString("thread")).as("thread").startsWith("bt-slow-jfr-");
      assertThat(event.getLong("runningMillis")).as("running for, ms").isGreaterThanOrEqualTo(50);
      assertThat(event.getString("stack")).as("stack").contains("SlowCallAndEventsTest.slowLegacyCall");
    }
  }

  @Test
  void slowCallThresholdMustBeInRange() {
    Callable<BlockingAdapter> tooShort = () -> Adapters.boundedPool("bad-threshold")
        .slowCallThreshold(Duration.ZERO).build(runtime);
    assertThatThrownBy(tooShort::call).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slowCallThreshold must be between PT0.001S and PT1H (was PT0S)");
  }

  /** Events of {@code type} about adapter "jfr" (the recording is JVM-wide). */
  private static List<RecordedEvent> ofType(List<RecordedEvent> events, String type) {
    return events.stream().filter(event -> event.getEventType().getName().equals(type))
        .filter(event -> "jfr".equals(event.getString("adapter"))).collect(Collectors.toList());
  }
}
