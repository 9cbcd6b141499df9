package dev.weft.internal.limit;

import dev.weft.internal.ForWeftModules;

/** How a call that held a permit of an {@link AdaptiveGate} ended, as its limit counts it. */
@ForWeftModules
public enum Outcome {
  /** Returned normally: its latency is a sample. */
  SUCCESS,
  /** Failed: many failures in a window back the limit off (its latency is not a sample). */
  FAILURE,
  /** Ran out of time: backs the limit off. */
  TIMEOUT,
  /** Refused or dropped by what is behind the gate (a 503 from upstream, a pool that was full): backs off. */
  DROPPED,
  /** Cancelled by its caller or never started: says nothing about the backend; not counted. */
  IGNORED
}
