package dev.weft.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.limit.AdaptiveLimit;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default algorithm against scripted latencies: no threads, no clock, the same run every time. */
class VegasLimitTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private static VegasLimit limit(int floor, int ceiling) {
    return new VegasLimit(AdaptiveLimit.vegas().floor(floor), ceiling);
  }

  @Test
  void convergesNearTheBackendsCapacityAndStaysThere() {
    VegasLimit limit = limit(1, 256);
    SimulatedBackend backend = new SimulatedBackend(limit, 20, 10 * MS);
    backend.runFor(5 * SECOND);
    backend.resetExtremes();
    backend.runFor(20 * SECOND);
    assertThat(backend.lowestLimit).as("lowest limit once settled (capacity 20; probes halve it)")
        .isGreaterThanOrEqualTo(10);
    assertThat(limit.limit()).as("limit after 25 s at capacity 20").isBetween(20, 26);
    assertThat(limit.noLoadNanos()).as("measured no-load latency").isEqualTo(10 * MS);
  }

  @Test
  void slowStartReachesALargeCapacityWithinASecond() {
    VegasLimit limit = limit(1, 1000);
    SimulatedBackend backend = new SimulatedBackend(limit, 400, 10 * MS);
    backend.runFor(SECOND);
    assertThat(limit.limit()).as("limit after 1 s at capacity 400").isBetween(400, 520);
  }

  @Test
  void followsACapacityDecreaseAndIncreaseWithinFiveSeconds() {
    VegasLimit limit = limit(1, 256);
    SimulatedBackend backend = new SimulatedBackend(limit, 40, 10 * MS);
    backend.runFor(5 * SECOND);
    backend.capacity = 20;
    backend.runFor(SECOND);
    assertThat(limit.limit()).as("limit 1 s after capacity halved to 20").isBetween(20, 26);
    backend.capacity = 40;
    backend.runFor(5 * SECOND);
    assertThat(limit.limit()).as("limit 5 s after capacity went back to 40").isBetween(40, 52);
  }

  @Test
  void backsOffMultiplicativelyOnTimeoutsDownToTheFloor() {
    VegasLimit limit = limit(3, 256);
    SimulatedBackend backend = new SimulatedBackend(limit, 40, 10 * MS);
    backend.runFor(3 * SECOND);
    int before = limit.limit();
    backend.runFor(250 * MS, Outcome.TIMEOUT);
    assertThat(limit.limit()).as("limit after 2 windows of timeouts, from %d", before)
        .isLessThanOrEqualTo((int) (before * 0.9)).isGreaterThanOrEqualTo((int) (before * 0.9 * 0.9 * 0.9) - 1);
    assertThat(limit.reason()).contains("backing off").contains("timed out");
    backend.runFor(10 * SECOND, Outcome.TIMEOUT);
    assertThat(limit.limit()).as("limit after 10 s of timeouts").isEqualTo(3);
  }

  @Test
  void backsOffOnDroppedCalls() {
    VegasLimit limit = limit(1, 256);
    SimulatedBackend backend = new SimulatedBackend(limit, 40, 10 * MS);
    backend.runFor(3 * SECOND);
    int before = limit.limit();
    backend.runFor(150 * MS, Outcome.DROPPED);
    assertThat(limit.limit()).as("limit after a window of drops, from %d", before).isLessThan(before);
  }

  @Test
  void backsOffWhenMoreThanATenthOfAWindowFailsButNotForTheOddFailure() {
    VegasLimit few = limit(1, 256);
    long t = 0;
    for (int i = 0; i < 400; i++) { // 4 calls in flight, 10 ms each, every 20th fails: 5%
      t += 2 * MS;
      few.onSample(t - 10 * MS, 10 * MS, few.limit(), i % 20 == 19 ? Outcome.FAILURE : Outcome.SUCCESS);
    }
    assertThat(few.limit()).as("limit with 5% failures").isGreaterThan(VegasLimit.INITIAL_LIMIT);

    VegasLimit many = limit(1, 256);
    t = 0;
    for (int i = 0; i < 400; i++) { // every 5th fails: 20%
      t += 2 * MS;
      many.onSample(t - 10 * MS, 10 * MS, many.limit(), i % 5 == 4 ? Outcome.FAILURE : Outcome.SUCCESS);
    }
    assertThat(many.limit()).as("limit with 20% failures").isEqualTo(1);
    assertThat(many.reason()).contains("failed");
  }

  @Test
  void cancelledCallsSayNothing() {
    VegasLimit limit = limit(1, 256);
    for (int i = 0; i < 1000; i++) {
      limit.onSample(i * MS, 500 * MS, 4, Outcome.IGNORED);
    }
    assertThat(limit.limit()).isEqualTo(VegasLimit.INITIAL_LIMIT);
    assertThat(limit.noLoadNanos()).isZero();
  }

  @Test
  void doesNotGrowWhileTheLimitIsNotInUse() {
    VegasLimit limit = limit(1, 256);
    long t = 0;
    for (int i = 0; i < 2000; i++) { // 2 calls in flight under a limit of 4
      t += 5 * MS;
      limit.onSample(t - 10 * MS, 10 * MS, 2, Outcome.SUCCESS);
    }
    assertThat(limit.limit()).isEqualTo(VegasLimit.INITIAL_LIMIT);
    assertThat(limit.reason()).contains("limit not reached");
  }

  @Test
  void reMeasuresTheNoLoadLatencyWhenTheBackendBecomesSlowerPerCall() {
    VegasLimit limit = new VegasLimit(AdaptiveLimit.vegas().probeInterval(Duration.ofSeconds(2)), 256);
    SimulatedBackend backend = new SimulatedBackend(limit, 20, 10 * MS);
    backend.runFor(5 * SECOND);
    backend.serviceNanos = 30 * MS; // same capacity, three times slower: a minimum alone would never see it
    backend.runFor(10 * SECOND);
    assertThat(limit.noLoadNanos()).as("no-load latency after the probes").isEqualTo(30 * MS);
    assertThat(limit.limit()).as("limit after the backend slowed down").isBetween(20, 26);
  }

  @Test
  void aTimeoutDuringAProbeEndsItAndBacksOffInsteadOfHoldingHalfTheLimit() {
    VegasLimit limit = limit(1, 256);
    long t = 0;
    int before = limit.limit();
    while (!limit.reason().startsWith("measuring the no-load latency again") && t < 60 * SECOND) {
      before = limit.limit();
      t += MS; // 10 ms calls, as many in flight as the limit allows: no queueing, the limit grows
      limit.onSample(t - 10 * MS, 10 * MS, before, Outcome.SUCCESS);
    }
    assertThat(limit.reason()).as("a probe began within a minute").startsWith("measuring the no-load latency again");
    assertThat(limit.limit()).as("the probe halves the limit").isEqualTo(Math.max(1, before / 2));

    limit.onSample(t, 10 * MS, 1, Outcome.TIMEOUT);

    assertThat(limit.limit()).as("backed off from the limit before the probe")
        .isEqualTo(Math.max(1, (int) (before * VegasLimit.BACK_OFF)));
    assertThat(limit.reason()).contains("gave up (a call timed out): backing off");
    assertThat(limit.noLoadNanos()).as("the old no-load latency stays").isEqualTo(10 * MS);
  }

  @Test
  void neverLeavesFloorAndCeilingWhateverTheSamples() {
    SplittableRandom random = new SplittableRandom(18);
    Outcome[] outcomes = Outcome.values();
    for (int run = 0; run < 20; run++) {
      int floor = 1 + random.nextInt(10);
      int ceiling = floor + random.nextInt(50);
      VegasLimit limit = new VegasLimit(AdaptiveLimit.vegas().floor(floor)
          .window(Duration.ofMillis(1 + random.nextInt(50)))
          .probeInterval(Duration.ofMillis(100 + random.nextInt(900))),
          ceiling);
      long t = 0;
      for (int i = 0; i < 20_000; i++) {
        t += random.nextInt(2 * (int) MS);
        long rtt = 1 + random.nextLong(200 * MS);
        Outcome outcome = random.nextInt(10) == 0 ? outcomes[random.nextInt(outcomes.length)] : Outcome.SUCCESS;
        int next = limit.onSample(t - rtt, rtt, 1 + random.nextInt(ceiling + 5), outcome);
        assertThat(next).as("limit in run %d, sample %d", run, i).isBetween(floor, ceiling);
      }
    }
  }

  @Test
  void reasonNamesTheLatencies() {
    VegasLimit limit = limit(1, 256);
    SimulatedBackend backend = new SimulatedBackend(limit, 20, 10 * MS);
    backend.runFor(3 * SECOND);
    backend.capacity = 5;
    backend.runFor(100 * MS);
    assertThat(limit.reason()).matches("latency \\d+ms vs no-load 10ms: calls queue behind the backend");
  }
}
