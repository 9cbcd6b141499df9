package dev.weft.internal.limit;

import dev.weft.internal.Throwables;
import dev.weft.limit.AdaptiveLimit;

/*
 * Overview
 *
 * A delay-based limit in the spirit of TCP Vegas and Envoy's adaptive-concurrency filter: queueing
 * behind a backend shows as latency above its no-load latency, long before it shows as errors.
 *
 * Windows: samples are summed into a window (successes' latency, failures, timeouts, drops, the
 * highest in-flight count seen); a window closes at the first sample that ends `window` after it
 * began, once it holds MIN_SAMPLES. Only then may the limit change, so one slow call moves nothing
 * and the limit changes at most once per window.
 *
 * Decision at a window's close, with r = mean latency / no-load latency:
 * - a timeout, a drop, or failures above 10% of the window: limit x 0.9 (AIMD's multiplicative
 *   decrease; at least 1 down), whatever the latency says;
 * - r > 1.3 and more than 2 calls queued by Vegas' estimate, limit x (1 - 1 / r): calls queue;
 *   the backend holds about limit / r without queueing (a backend of capacity C serving L > C
 *   calls answers in L / C times its no-load latency), so the limit drops at once to
 *   1.2 x limit / r, by at least one step and at most by half (a window stalled by the machine
 *   must not undo minutes of measurement);
 * - r <= 1.1, or less than one call queued, and the window saw the limit in use: room; the limit
 *   grows by a step (a sixteenth, at least 1), or doubles while no window has yet shown queueing
 *   (slow start);
 * - in between: hold. The band between 1.1 and 1.3 keeps the limit from chasing noise; the queue
 *   estimate keeps a small limit from chasing it: at a limit of 1 nothing can queue, so a latency
 *   30% above the no-load one is noise (an HTTP exchange on a busy 2-CPU machine measured that),
 *   while at 40 it means 9 calls queued. The ratios scale with large limits, the calls with small
 *   ones, as Vegas' alpha and beta (in calls) do.
 * Then the limit is clamped to [floor, ceiling].
 *
 * No-load latency: the lowest window mean since the last probe (a windowed minimum). A minimum
 * only falls, so it would never see a backend that became slower per call: every probeInterval
 * the limit is halved until PROBE_SAMPLES calls that started under the halved limit complete; their
 * mean replaces the no-load latency and the limit returns to where it was. Calls that started
 * before the probe are left out: they may have queued.
 *
 * Time comes only from the samples (start + latency), so tests script it. Single-threaded: the
 * gate calls it under its lock.
 */

/** The default adaptive limit: see the overview above and {@link AdaptiveLimit}. */
public final class VegasLimit implements LimitAlgorithm {
  static final int INITIAL_LIMIT = 4;
  static final int MIN_SAMPLES = 10;
  static final int PROBE_SAMPLES = 5;
  static final int PROBE_MAX_WINDOWS = 10; // a probe longer than this (or 4x the no-load latency) gives up
  static final double GROW_BELOW = 1.1; // latency / no-load at or below which the limit may grow
  static final double SHRINK_ABOVE = 1.3; // above which it shrinks
  static final double TARGET = 1.2; // the ratio a shrink aims at
  static final double MIN_QUEUED = 1; // fewer calls queued than this (Vegas' alpha): room, whatever the ratio
  static final double MAX_QUEUED = 2; // a shrink needs more queued than this (Vegas' beta), whatever the ratio
  static final double BACK_OFF = 0.9; // the multiplicative decrease on timeouts, drops and failures

  private final int floor;
  private final int ceiling;
  private final long windowNanos;
  private final long probeIntervalNanos;

  private int limit;
  private boolean slowStart = true; // until a window shows queueing or trouble
  private long noLoadNanos; // 0: not measured yet
  private long latencyNanos; // the last window's mean; 0: none yet
  private String reason = "starting at " + INITIAL_LIMIT + ", no latency measured yet";
  private long now; // the latest sample's end

  // the window being filled
  private boolean windowOpen;
  private long windowStart;
  private int samples;
  private int successes;
  private long latencySum;
  private int failures;
  private int timeouts;
  private int drops;
  private int maxInFlight;

  // the probe
  private long nextProbeAt; // valid once noLoadNanos > 0
  private boolean probing;
  private long probeStart;
  private int limitBeforeProbe;
  private int probeCount;
  private long probeSum;

  /**
   * A limit with these settings.
   *
   * @param settings the user's settings
   * @param ceiling the ceiling to use (the settings' own, or the gated bound)
   */
  public VegasLimit(AdaptiveLimit settings, int ceiling) {
    this.floor = settings.floor();
    this.ceiling = ceiling;
    this.windowNanos = settings.window().toNanos();
    this.probeIntervalNanos = settings.probeInterval().toNanos();
    this.limit = clamp(INITIAL_LIMIT);
  }

  @Override
  public int onSample(long startNanos, long rttNanos, int inFlight, Outcome outcome) {
    now = Math.max(now, startNanos + rttNanos);
    if (outcome == Outcome.IGNORED) {
      return limit;
    }
    if (probing) {
      probeSample(startNanos, rttNanos, outcome);
      return limit;
    }
    if (noLoadNanos > 0 && now - nextProbeAt >= 0) {
      startProbe();
      return limit;
    }
    if (!windowOpen) {
      windowOpen = true;
      windowStart = now;
    }
    samples++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    switch (outcome) {
      case SUCCESS -> {
        successes++;
        latencySum += rttNanos;
      }
      case FAILURE -> failures++;
      case TIMEOUT -> timeouts++;
      case DROPPED -> drops++;
      default -> throw new AssertionError(outcome);
    }
    if (samples >= MIN_SAMPLES && now - windowStart >= windowNanos) {
      closeWindow();
    }
    return limit;
  }

  private void closeWindow() {
    long mean = successes > 0 ? latencySum / successes : 0;
    if (mean > 0) {
      latencyNanos = mean;
      if (noLoadNanos == 0 || mean < noLoadNanos) {
        if (noLoadNanos == 0) {
          nextProbeAt = now + probeIntervalNanos;
        }
        noLoadNanos = mean;
      }
    }
    int next = limit;
    if (timeouts > 0 || drops > 0 || failures * 10 > samples) {
      slowStart = false;
      next = Math.min(limit - 1, (int) (limit * BACK_OFF));
      reason = "backing off: " + troubles() + " of " + samples + " calls in the last window";
    } else if (mean > 0) {
      double ratio = (double) mean / noLoadNanos;
      double queued = limit * (1 - 1 / ratio); // Vegas' estimate of the calls waiting behind the backend
      String latencies = "latency " + Throwables.formatNanos(mean) + " vs no-load "
          + Throwables.formatNanos(noLoadNanos);
      if (ratio > SHRINK_ABOVE && queued > MAX_QUEUED) {
        slowStart = false;
        // at most halved at once: one window stalled by the machine (a GC, a busy CPU) must not undo minutes
        next = Math.max(limit / 2, Math.min(limit - step(), (int) (limit * TARGET / ratio)));
        reason = latencies + ": calls queue behind the backend";
      } else if ((ratio <= GROW_BELOW || queued < MIN_QUEUED) && maxInFlight >= limit) {
        next = limit + (slowStart ? limit : step());
        reason = latencies + ": room for more";
      } else {
        if (ratio > GROW_BELOW && queued >= MIN_QUEUED) {
          slowStart = false;
        }
        reason = latencies + (maxInFlight >= limit ? ": near capacity" : ": limit not reached");
      }
    }
    limit = clamp(next);
    resetWindow();
  }

  /** Forgets the current window's samples; the next sample opens a new one. */
  private void resetWindow() {
    windowOpen = false;
    samples = 0;
    successes = 0;
    latencySum = 0;
    failures = 0;
    timeouts = 0;
    drops = 0;
    maxInFlight = 0;
  }

  private String troubles() {
    StringBuilder text = new StringBuilder();
    append(text, timeouts, "timed out");
    append(text, drops, "dropped");
    append(text, failures, "failed");
    return text.toString();
  }

  private static void append(StringBuilder text, int count, String what) {
    if (count > 0) {
      text.append(text.length() > 0 ? ", " : "").append(count).append(' ').append(what);
    }
  }

  private void startProbe() {
    probing = true;
    probeStart = now;
    limitBeforeProbe = limit;
    probeCount = 0;
    probeSum = 0;
    limit = clamp(limit / 2);
    reason = "measuring the no-load latency again, at half the limit";
    resetWindow();
  }

  private void probeSample(long startNanos, long rttNanos, Outcome outcome) {
    if (outcome == Outcome.TIMEOUT || outcome == Outcome.DROPPED) {
      // the backend is in trouble: a probe must not hold the limit while it waits for successes
      abortProbe(outcome == Outcome.TIMEOUT ? "a call timed out" : "a call was dropped", true);
      return;
    }
    if (now - probeStart > Math.max(PROBE_MAX_WINDOWS * windowNanos, 4 * noLoadNanos)) {
      // too few calls, or calls much slower than the window: try again next interval, no back-off
      abortProbe("too few successes to measure", false);
      return;
    }
    if (startNanos - probeStart < 0 || outcome != Outcome.SUCCESS) {
      return; // started before the probe (it may have queued), or says nothing about latency
    }
    probeCount++;
    probeSum += rttNanos;
    if (probeCount >= PROBE_SAMPLES) {
      probing = false;
      noLoadNanos = Math.max(1, probeSum / probeCount);
      nextProbeAt = now + probeIntervalNanos;
      limit = clamp(limitBeforeProbe);
      reason = "no-load latency measured again: " + Throwables.formatNanos(noLoadNanos);
    }
  }

  /**
   * Ends a probe without a new no-load figure (the old one stays): the limit goes back to where it
   * was, backed off if the probe ended because the backend is in trouble.
   */
  private void abortProbe(String why, boolean backOff) {
    probing = false;
    nextProbeAt = now + probeIntervalNanos;
    limit = clamp(backOff ? (int) (limitBeforeProbe * BACK_OFF) : limitBeforeProbe);
    reason = "re-measuring the no-load latency gave up (" + why + ")" + (backOff ? ": backing off" : "");
  }

  private int step() {
    return Math.max(1, limit / 16);
  }

  private int clamp(int value) {
    return Math.max(floor, Math.min(ceiling, value));
  }

  @Override
  public int limit() {
    return limit;
  }

  @Override
  public long noLoadNanos() {
    return noLoadNanos;
  }

  @Override
  public long latencyNanos() {
    return latencyNanos;
  }

  @Override
  public String reason() {
    return reason;
  }
}
