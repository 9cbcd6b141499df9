package dev.weft.examples;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The example of docs/adaptive-limits.md and docs/wrapping-legacy-clients.md, compiled and run by its test. */
public final class AdaptiveLimitExample {
  private AdaptiveLimitExample() {}

  /**
   * Calls a legacy backend through a bulkhead whose limit adapts, and returns what the limit decided.
   *
   * @param legacyCall the blocking call
   * @param calls how many calls to make, all at once
   * @return the limit's stats after the calls
   * @throws Exception if a call fails
   */
  public static LimitStats callThroughAnAdaptiveBulkhead(Callable<String> legacyCall, int calls) throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder()
        .bulkhead(Adapters.boundedPool("legacy")
            .maxThreads(64)                                      // the ceiling: never more than this
            .maxQueue(1_000)                                     // beyond the limit, calls wait here
            .adaptiveLimit(AdaptiveLimit.vegas().floor(2)))      // the limit finds the backend's capacity
        .build()) {
      BlockingAdapter legacy = runtime.adapter("legacy");
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        results.add(legacy.call(legacyCall, Duration.ofSeconds(10)));
      }
      Future.all(results).join(Duration.ofSeconds(30));
      return legacy.limitStats().orElseThrow();                  // limit, no-load latency, why
    }
  }
}
