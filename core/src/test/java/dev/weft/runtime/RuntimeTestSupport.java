package dev.weft.runtime;

import dev.weft.Loop;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What the runtime tests share: unique runtime names, thread census, running a call on a loop. */
final class RuntimeTestSupport {
  /** How long any single wait in these tests may take before the test fails instead of hanging. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private RuntimeTestSupport() {}

  /**
   * A runtime name no other test uses, of fixed width so that no such name is a prefix of another:
   * a thread census by prefix then sees only this runtime's threads.
   */
  static String uniqueName(String base) {
    return base + "-" + String.format("%016x", ThreadLocalRandom.current().nextLong());
  }

  /** The live threads whose names start with {@code runtimeName}. */
  static Set<String> liveThreadsOf(String runtimeName) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(runtimeName))
        .collect(Collectors.toSet());
  }

  /**
   * Runs {@code task} on {@code loop} through {@link Loop#execute} and returns its result. Goes
   * through a {@link CompletableFuture}, not Weft's futures, so loop tests do not depend on them.
   */
  static <T> T callOn(Loop loop, Callable<T> task) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        result.complete(task.call());
      } catch (Throwable failure) {
        result.completeExceptionally(failure);
      }
    });
    return result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
