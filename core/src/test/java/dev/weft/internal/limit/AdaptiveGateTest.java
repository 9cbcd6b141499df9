package dev.weft.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.internal.limit.AdaptiveGate.Permit;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The gate's permits and waiters, on a fake clock and a limit the test sets. */
class AdaptiveGateTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong clock = new AtomicLong(1_000 * MS);
  private final ScriptedLimit algorithm = new ScriptedLimit(2);
  private final AdaptiveGate gate = AdaptiveGate.of("test", algorithm, 1, 8, clock::get);

  @Test
  void admitsUpToTheLimitThenQueuesUpToMaxQueueThenRefuses() {
    List<Permit> granted = new ArrayList<>();
    assertThat(gate.acquire(granted::add, 1)).as("first").isNotNull().isNotSameAs(AdaptiveGate.WAITING);
    assertThat(gate.acquire(granted::add, 1)).as("second").isNotNull().isNotSameAs(AdaptiveGate.WAITING);
    assertThat(gate.acquire(granted::add, 1)).as("third waits").isSameAs(AdaptiveGate.WAITING);
    assertThat(gate.acquire(granted::add, 1)).as("fourth: queue full").isNull();
    assertThat(gate.tryAcquire()).as("no waiting allowed").isNull();
    assertThat(gate.inFlight()).isEqualTo(2);
    assertThat(gate.waiting()).isEqualTo(1);
    assertThat(granted).isEmpty();
  }

  @Test
  void aReleaseHandsItsPermitToTheFirstWaiterAndMeasuresTheCall() {
    Permit first = gate.tryAcquire();
    gate.tryAcquire();
    List<String> order = new ArrayList<>();
    List<Permit> permits = new ArrayList<>();
    gate.acquire(permit -> { order.add("a"); permits.add(permit); }, 10);
    gate.acquire(permit -> { order.add("b"); permits.add(permit); }, 10);
    clock.addAndGet(7 * MS);
    assertThat(first.release(Outcome.SUCCESS)).isTrue();
    assertThat(first.release(Outcome.SUCCESS)).as("a second release").isFalse();
    assertThat(order).as("granted in arrival order").containsExactly("a");
    assertThat(algorithm.lastRtt).isEqualTo(7 * MS);
    assertThat(algorithm.lastInFlight).isEqualTo(1);
    assertThat(gate.inFlight()).isEqualTo(2);
    assertThat(gate.waiting()).isEqualTo(1);
  }

  @Test
  void aRisingLimitGrantsSeveralWaitersAtOnce() {
    Permit first = gate.tryAcquire();
    gate.tryAcquire();
    List<Permit> granted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      gate.acquire(granted::add, 10);
    }
    algorithm.next = 5;
    first.release(Outcome.SUCCESS);
    assertThat(granted).as("waiters granted when the limit rose from 2 to 5 and one call ended").hasSize(4);
    assertThat(gate.inFlight()).isEqualTo(5);
    assertThat(gate.stats().increases()).isEqualTo(1);
  }

  @Test
  void aFallingLimitTakesNoRunningCallBackButAdmitsNoneUntilBelowIt() {
    algorithm.next = 4;
    Permit a = gate.tryAcquire();
    Permit b = gate.tryAcquire();
    a.release(Outcome.SUCCESS); // limit now 4
    Permit c = gate.tryAcquire();
    Permit d = gate.tryAcquire();
    Permit e = gate.tryAcquire();
    assertThat(gate.inFlight()).isEqualTo(4);
    algorithm.next = 1;
    b.release(Outcome.TIMEOUT);
    assertThat(gate.inFlight()).as("running calls keep their permits").isEqualTo(3);
    assertThat(gate.tryAcquire()).as("nothing admitted above the new limit").isNull();
    c.release(Outcome.SUCCESS);
    d.release(Outcome.SUCCESS);
    assertThat(gate.tryAcquire()).as("still at the limit").isNull();
    e.release(Outcome.SUCCESS);
    assertThat(gate.tryAcquire()).as("below the limit again").isNotNull();
    LimitStats stats = gate.stats();
    assertThat(stats.decreases()).isEqualTo(1);
    assertThat(stats.limit()).isEqualTo(1);
  }

  @Test
  void aCancelledWaiterIsNeverGranted() {
    Permit first = gate.tryAcquire();
    gate.tryAcquire();
    List<Permit> granted = new ArrayList<>();
    AdaptiveGate.Waiter waiter = granted::add;
    gate.acquire(waiter, 10);
    assertThat(gate.cancelWait(waiter)).isTrue();
    assertThat(gate.cancelWait(waiter)).as("only once").isFalse();
    first.release(Outcome.SUCCESS);
    assertThat(granted).isEmpty();
    assertThat(gate.inFlight()).isEqualTo(1);
  }

  @Test
  void closingGrantsEveryWaiterAndLiftsTheLimit() {
    gate.tryAcquire();
    gate.tryAcquire();
    List<Permit> granted = new ArrayList<>();
    gate.acquire(granted::add, 10);
    gate.acquire(granted::add, 10);
    gate.close();
    assertThat(granted).hasSize(2);
    assertThat(gate.tryAcquire()).as("after close").isNotNull();
    assertThat(gate.inFlight()).isEqualTo(5);
  }

  @Test
  void eachChangeOfTheLimitIsAJfrEventWithItsReason() throws Exception {
    Path dump = Files.createTempFile("weft-limit", ".jfr");
    List<RecordedEvent> events;
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.LimitChanged");
      recording.start();
      Permit permit = gate.tryAcquire();
      algorithm.next = 5;
      algorithm.reason = "room for more";
      permit.release(Outcome.SUCCESS); // 2 -> 5
      gate.tryAcquire().release(Outcome.SUCCESS); // 5 -> 5: no event
      recording.stop();
      recording.dump(dump);
      events = RecordingFile.readAllEvents(dump);
    } finally {
      Files.deleteIfExists(dump);
    }
    assertThat(events).as("LimitChanged events").hasSize(1);
    RecordedEvent event = events.get(0);
    assertThat(event.getString("name")).isEqualTo("test");
    assertThat(event.getInt("from")).isEqualTo(2);
    assertThat(event.getInt("to")).isEqualTo(5);
    assertThat(event.getInt("ceiling")).isEqualTo(8);
    assertThat(event.getString("reason")).isEqualTo("room for more");
  }

  @Test
  void describesTheLimitAndWhy() {
    algorithm.reason = "latency 38ms vs no-load 9ms: calls queue behind the backend";
    assertThat(gate.describe())
        .isEqualTo("limit 2 of ceiling 8, adaptive: latency 38ms vs no-load 9ms: calls queue behind the backend");
  }

  @Test
  void refusesACeilingAboveTheBoundAndAFloorAboveTheCeiling() {
    assertThatThrownBy(() -> AdaptiveGate.create("x", AdaptiveLimit.vegas().ceiling(100), 64, "maxThreads"))
        .hasMessage("the adaptive limit's ceiling (100) must not exceed maxThreads (64); raise maxThreads or lower "
            + "the ceiling");
    assertThatThrownBy(() -> AdaptiveGate.create("x", AdaptiveLimit.vegas().floor(10), 8, "maxThreads"))
        .hasMessageContaining("floor must be between 1 and 8 (was 10)");
    assertThatThrownBy(() -> AdaptiveLimit.vegas().floor(0)).hasMessage("floor must be between 1 and 1000000 (was 0)");
    assertThatThrownBy(() -> AdaptiveLimit.vegas().window(Duration.ZERO)).hasMessageContaining("window");
  }

  /** A limit the test moves by hand. */
  static final class ScriptedLimit implements LimitAlgorithm {
    int next;
    long lastRtt;
    int lastInFlight;
    String reason = "scripted";

    ScriptedLimit(int initial) {
      this.next = initial;
    }

    @Override
    public int onSample(long startNanos, long rttNanos, int inFlight, Outcome outcome) {
      lastRtt = rttNanos;
      lastInFlight = inFlight;
      return next;
    }

    @Override
    public int limit() {
      return next;
    }

    @Override
    public long noLoadNanos() {
      return 0;
    }

    @Override
    public long latencyNanos() {
      return lastRtt;
    }

    @Override
    public String reason() {
      return reason;
    }
  }
}
