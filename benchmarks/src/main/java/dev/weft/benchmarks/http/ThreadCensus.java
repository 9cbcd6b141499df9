package dev.weft.benchmarks.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts the threads a benchmark row started: the live threads that did not exist when the census
 * was taken, less those whose names start with an excluded prefix (the local server's). Sampled
 * at the end of each iteration, it keeps the largest count and the names behind it, so threads
 * that a pool starts under load and later retires are still counted.
 *
 * <p>Not thread-safe: one JMH thread takes it, samples it and reports it.
 */
final class ThreadCensus {
  private final Set<Thread> before; // the threads alive at the census (Thread has identity equality)
  private final String excludedPrefix;
  private List<String> peakNames = List.of(); // the largest sample's thread names, sorted

  private ThreadCensus(String excludedPrefix) {
    this.excludedPrefix = excludedPrefix;
    this.before = new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  /**
   * Takes a census of the live threads, before the row starts any.
   *
   * @param excludedPrefix names of threads not to count (the server's)
   * @return the census
   */
  static ThreadCensus take(String excludedPrefix) {
    return new ThreadCensus(excludedPrefix);
  }

  /** Counts the threads started since the census; keeps the largest count. */
  void sample() {
    List<String> names = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(thread) && !thread.getName().startsWith(excludedPrefix)) {
        names.add(thread.getName());
      }
    }
    if (names.size() > peakNames.size()) {
      names.sort(null);
      peakNames = List.copyOf(names);
    }
  }

  /**
   * The largest count, with the threads grouped by name (trailing numbers folded):
   * {@code 3 threads: HttpClient-#-Worker-# x2, HttpClient-#-SelectorManager}.
   *
   * @return a line for people
   */
  String describe() {
    Map<String, Integer> groups = new TreeMap<>();
    for (String name : peakNames) {
      groups.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    groups.forEach((name, count) -> parts.add(count == 1 ? name : name + " x" + count));
    return peakNames.size() + (peakNames.size() == 1 ? " thread: " : " threads: ") + String.join(", ", parts);
  }
}
