package dev.weft.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.BlockingCallDetection;
import dev.weft.future.Future;
import dev.weft.metrics.BlockingCallSite;
import dev.weft.metrics.BlockingCallSite.Kind;
import dev.weft.metrics.BlockingCalls;
import dev.weft.testing.LogCapture;
import dev.weft.testing.WeftRuntimeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How a detected call is reported: once per call site, counted, allowed, switched on. */
class BlockingCallReportingTest {
  private static final Duration DELIVERY = Duration.ofSeconds(15);

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("detect-report")
      .configure(builder -> builder.detectBlockingCalls(BlockingCallDetection.enabled()
          .allow(AllowedClient.class.getName())
          .allow(BlockingCallReportingTest.class.getName() + ".allowedMethod")));

  @Test
  void eachCallSiteIsLoggedOnceAndCountedEveryTime() throws Exception {
    BlockingCalls before = BlockingCalls.of(weft.runtime());
    try (LogCapture log = new LogCapture(BlockingCallDetection.LOGGER_NAME)) {
      for (int i = 0; i < 3; i++) {
        onLoop(BlockingCallReportingTest::sleepHere);
      }
      onLoop(BlockingCallReportingTest::sleepThere);

      BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
      assertThat(callSites(seen)).as(seen.describe())
          .anyMatch(site -> site.startsWith(BlockingCallReportingTest.class.getName() + ".sleepHere("))
          .anyMatch(site -> site.startsWith(BlockingCallReportingTest.class.getName() + ".sleepThere("));
      BlockingCallSite here = site(seen, ".sleepHere(");
      assertThat(here.count()).as("three calls at one site").isEqualTo(3);
      assertThat(here.blockedTime()).isGreaterThanOrEqualTo(Duration.ofMillis(6));
      assertThat(here.ratePerSecond(Instant.now())).as("calls per second since the first").isPositive()
          .isLessThanOrEqualTo(3.0);
      assertThat(seen.count(Kind.SLEEP)).as("the counter of the kind").isGreaterThanOrEqualTo(4);
      assertThat(log.warningsContaining(".sleepHere(")).as("one WARN for the three calls").hasSize(1);
      assertThat(log.warningsContaining(".sleepThere(")).as("one WARN for the other site").hasSize(1);
    }
  }

  @Test
  void callsInsideAllowedClassesAndMethodsAreNotReported() throws Exception {
    BlockingCalls before = BlockingCalls.of(weft.runtime());
    onLoop(AllowedClient::fetch);
    onLoop(BlockingCallReportingTest::allowedMethod);
    onLoop(BlockingCallReportingTest::sleepElsewhere); // a control: the same call, not allowed

    BlockingCalls seen = BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY).since(before);
    assertThat(callSites(seen)).as(seen.describe())
        .anyMatch(site -> site.contains(".sleepElsewhere("))
        .noneMatch(site -> site.contains("AllowedClient") || site.contains(".allowedMethod("));
  }

  @Test
  void eachNewCallSiteIsAlsoAJfrEvent() throws Exception {
    Path dump = Files.createTempFile("weft-blocking-calls", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.BlockingCall");
      recording.start();
      onLoop(BlockingCallReportingTest::sleepForTheRecording);
      // the detector commits its event before it releases the delivery marker that ends this wait
      BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY);
      recording.stop();
      recording.dump(dump);
      List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
          .filter(event -> event.getEventType().getName().equals("dev.weft.BlockingCall"))
          .filter(event -> event.getString("callSite").contains(".sleepForTheRecording("))
          .collect(Collectors.toList());
      assertThat(events).hasSize(1);
      RecordedEvent event = events.get(0);
      assertThat(event.getString("kind")).isEqualTo("SLEEP");
      assertThat(event.getString("runtime")).isEqualTo("detect-report");
      assertThat(event.getString("loop")).isEqualTo(weft.loop(0).name());
      assertThat(event.getLong("blockedMicros")).isGreaterThanOrEqualTo(2_000);
      assertThat(event.getString("callStack")).contains("sleepForTheRecording");
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  @Test
  void waitingForDeliveryOnALoopIsRefused() throws Exception {
    Future<BlockingCalls> onLoop = weft.loop(0).submit(() -> {
      try {
        return Future.succeeded(BlockingCalls.awaitDelivered(weft.runtime(), DELIVERY));
      } catch (Exception e) {
        return Future.failed(e);
      }
    });
    assertThatThrownBy(() -> onLoop.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("would block loop " + weft.loop(0).name());
  }

  @Test
  void detectionIsOffByDefaultAndTheSystemPropertyTurnsItOn() throws Exception {
    try (AsyncRuntime plain = AsyncRuntime.builder().name("detect-off").loops(1).build()) {
      BlockingCalls off = BlockingCalls.awaitDelivered(plain, DELIVERY);
      assertThat(off.enabled()).isFalse();
      assertThat(off.describe()).contains("-Dweft.detectBlockingCalls=true");
    }
    System.setProperty(BlockingCallDetection.ENABLE_PROPERTY, "true");
    System.setProperty(BlockingCallDetection.ALLOW_PROPERTY, "com.acme.Cache, com.acme.Dao.find");
    try {
      assertThat(BlockingCallDetection.fromSystemProperties().allowed()).containsExactly("com.acme.Cache", "com.acme.Dao.find");
      try (AsyncRuntime byProperty = AsyncRuntime.builder().name("detect-prop").loops(1).build()) {
        byProperty.loops().get(0).submit(() -> {
          sleepUnderTheProperty();
          return Future.succeeded(null);
        }).toCompletableFuture().get(10, TimeUnit.SECONDS);
        BlockingCalls seen = BlockingCalls.awaitDelivered(byProperty, DELIVERY);
        assertThat(seen.enabled()).isTrue();
        assertThat(callSites(seen)).as(seen.describe()).anyMatch(site -> site.contains(".sleepUnderTheProperty("));
      }
    } finally {
      System.clearProperty(BlockingCallDetection.ENABLE_PROPERTY);
      System.clearProperty(BlockingCallDetection.ALLOW_PROPERTY);
    }
  }

  @Test
  void badSettingsAreRefusedWithTheSettingAndTheValue() {
    assertThatThrownBy(() -> BlockingCallDetection.enabled().threshold(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blockingCallDetection.threshold must be between").hasMessageContaining("(was PT-0.001S)");
    assertThatThrownBy(() -> BlockingCallDetection.enabled().allow("com.acme.Dao#find"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("com.acme.Cache.load").hasMessageContaining("(was 'com.acme.Dao#find')");
    assertThatThrownBy(() -> AsyncRuntime.builder().detectBlockingCalls(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("BlockingCallDetection.enabled()");
  }

  private static List<String> callSites(BlockingCalls seen) {
    return seen.sites().stream().map(BlockingCallSite::callSite).collect(Collectors.toList());
  }

  private static BlockingCallSite site(BlockingCalls seen, String method) {
    return seen.sites().stream().filter(site -> site.callSite().contains(method)).findFirst().orElseThrow();
  }

  private static void onLoop(ThrowingAction action) throws Exception {
    weft.loop(0).submit(() -> {
      try {
        action.run();
        return Future.succeeded(null);
      } catch (Exception e) {
        return Future.failed(e);
      }
    }).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private interface ThrowingAction {
    void run() throws Exception;
  }

  private static void sleepHere() throws InterruptedException {
    Thread.sleep(2);
  }

  private static void sleepThere() throws InterruptedException {
    Thread.sleep(2);
  }

  private static void sleepElsewhere() throws InterruptedException {
    Thread.sleep(2);
  }

  private static void sleepForTheRecording() throws InterruptedException {
    Thread.sleep(3);
  }

  private static void sleepUnderTheProperty() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void allowedMethod() throws InterruptedException {
    Thread.sleep(2);
  }

  /** Stands for a legacy client a user accepts on the loops (a local cache, say). */
  private static final class AllowedClient {
    static void fetch() throws InterruptedException {
      Thread.sleep(2);
    }
  }
}
