package dev.weft.internal.metrics;

import dev.weft.internal.ForWeftModules;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One snapshot shared by every meter a registry reads in one publication (a Prometheus scrape
 * reads dozens): taken at most every {@link #MAX_AGE_NANOS}. Races between readers are benign:
 * at worst two take a snapshot each, and both are current.
 */
@ForWeftModules
public final class SnapshotCache<T> {
  /** How old a snapshot may be and still be served. */
  public static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Supplier<T> source;
  private volatile Taken<T> last; // null until the first read

  /**
   * A cache over {@code source}.
   *
   * @param source takes a snapshot; any thread
   */
  public SnapshotCache(Supplier<T> source) {
    this.source = source;
  }

  /**
   * The last snapshot, or a new one if it is older than {@link #MAX_AGE_NANOS}.
   *
   * @return the snapshot
   */
  public T get() {
    long now = System.nanoTime();
    Taken<T> taken = last;
    if (taken == null || now - taken.at > MAX_AGE_NANOS) {
      taken = new Taken<>(now, source.get());
      last = taken;
    }
    return taken.value;
  }

  private record Taken<T>(long at, T value) {}
}
