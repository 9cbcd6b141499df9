package dev.weft.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What this JVM offers of the newer JDK features some rows need, reached at run time because the
 * benchmarks build for Java 17: virtual threads (21+) and {@code StructuredTaskScope} (a preview
 * API in 21 to 25, so its fork JVM gets {@code --enable-preview}). A row that needs a missing
 * feature is reported as unavailable, with the reason, never left out silently.
 */
public final class JdkFeatures {
  private static final MethodHandle NEW_VIRTUAL_THREAD_PER_TASK_EXECUTOR = findVirtualThreadExecutor();

  private JdkFeatures() {}

  /**
   * The running JDK's feature release, e.g. 17 or 25.
   *
   * @return the version number
   */
  public static int version() {
    return Runtime.version().feature();
  }

  /**
   * Why virtual threads are unavailable, or empty if they are available.
   *
   * @return the reason, or empty
   */
  public static Optional<String> virtualThreadsMissing() {
    return NEW_VIRTUAL_THREAD_PER_TASK_EXECUTOR != null ? Optional.empty()
        : Optional.of("JDK " + version() + " has no virtual threads (Java 21+)");
  }

  /**
   * Why {@code StructuredTaskScope} is unavailable, or empty if it is available.
   *
   * @return the reason, or empty
   */
  public static Optional<String> structuredTaskScopeMissing() {
    if (version() < 21) {
      return Optional.of("JDK " + version() + " has no StructuredTaskScope (preview API in Java 21+)");
    }
    try {
      Class.forName("java.util.concurrent.StructuredTaskScope");
      return Optional.empty();
    } catch (ClassNotFoundException e) {
      return Optional.of("JDK " + version() + " has no java.util.concurrent.StructuredTaskScope");
    }
  }

  /**
   * {@code Executors.newVirtualThreadPerTaskExecutor()}.
   *
   * @return a new executor that starts a virtual thread per task
   * @throws UnsupportedOperationException on a JDK without virtual threads
   */
  public static ExecutorService newVirtualThreadPerTaskExecutor() {
    Optional<String> missing = virtualThreadsMissing();
    if (missing.isPresent()) {
      throw new UnsupportedOperationException(missing.get() + "; run the benchmarks on a JDK >= 21");
    }
    try {
      return (ExecutorService) NEW_VIRTUAL_THREAD_PER_TASK_EXECUTOR.invoke();
    } catch (Throwable unexpected) {
      throw new IllegalStateException("could not create a virtual-thread-per-task executor", unexpected);
    }
  }

  private static MethodHandle findVirtualThreadExecutor() {
    try {
      return MethodHandles.publicLookup().findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
          MethodType.methodType(ExecutorService.class));
    } catch (ReflectiveOperationException olderJdk) {
      return null;
    }
  }
}
