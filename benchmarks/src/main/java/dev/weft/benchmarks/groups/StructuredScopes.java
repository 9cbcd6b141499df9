package dev.weft.benchmarks.groups;

import dev.weft.benchmarks.JdkFeatures;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;

/**
 * The JDK's {@code StructuredTaskScope}, reached through method handles because the benchmarks
 * build for Java 17. It is a preview API (Java 21 to 25 at least), so the JVM that uses it needs
 * {@code --enable-preview}. Two shapes are known: Java 25's {@code StructuredTaskScope.open()}
 * (JEP 505: fails on the first failure, join returns null) and Java 21 to 24's
 * {@code new StructuredTaskScope.ShutdownOnFailure()} with {@code join().throwIfFailed()}.
 */
final class StructuredScopes {
  private static final MethodHandle OPEN; // () -> scope
  private static final MethodHandle FORK; // (scope, Callable) -> subtask
  private static final MethodHandle JOIN; // (scope) -> Object
  private static final MethodHandle THROW_IF_FAILED; // (scope) -> void; null for Java 25's shape
  private static final MethodHandle CLOSE; // (scope) -> void
  private static final String MISSING; // why it is unavailable, or null

  static {
    MethodHandle open = null;
    MethodHandle fork = null;
    MethodHandle join = null;
    MethodHandle throwIfFailed = null;
    MethodHandle close = null;
    String missing = JdkFeatures.structuredTaskScopeMissing().orElse(null);
    if (missing == null) {
      try {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> scope = Class.forName("java.util.concurrent.StructuredTaskScope");
        Class<?> subtask = Class.forName("java.util.concurrent.StructuredTaskScope$Subtask");
        MethodType generic = MethodType.methodType(Object.class);
        try {
          open = lookup.findStatic(scope, "open", MethodType.methodType(scope)).asType(generic);
          join = lookup.findVirtual(scope, "join", MethodType.methodType(Object.class));
        } catch (NoSuchMethodException java21to24) {
          Class<?> shutdownOnFailure = Class.forName("java.util.concurrent.StructuredTaskScope$ShutdownOnFailure");
          open = lookup.findConstructor(shutdownOnFailure, MethodType.methodType(void.class)).asType(generic);
          join = lookup.findVirtual(scope, "join", MethodType.methodType(scope));
          throwIfFailed = lookup.findVirtual(shutdownOnFailure, "throwIfFailed", MethodType.methodType(void.class))
              .asType(MethodType.methodType(void.class, Object.class));
        }
        join = join.asType(MethodType.methodType(Object.class, Object.class));
        fork = lookup.findVirtual(scope, "fork", MethodType.methodType(subtask, Callable.class))
            .asType(MethodType.methodType(Object.class, Object.class, Callable.class));
        close = lookup.findVirtual(scope, "close", MethodType.methodType(void.class))
            .asType(MethodType.methodType(void.class, Object.class));
      } catch (ReflectiveOperationException | RuntimeException unknownShape) {
        missing = "this JDK's StructuredTaskScope has an API these benchmarks do not know (" + unknownShape + ")";
      }
    }
    OPEN = open;
    FORK = fork;
    JOIN = join;
    THROW_IF_FAILED = throwIfFailed;
    CLOSE = close;
    MISSING = missing;
  }

  private StructuredScopes() {}

  /**
   * Fails if this JVM cannot run a scope, with the reason.
   *
   * @throws UnsupportedOperationException naming what is missing
   */
  static void check() {
    if (MISSING != null) {
      throw new UnsupportedOperationException("StructuredTaskScope is unavailable: " + MISSING);
    }
    try {
      forkJoin(1, () -> null);
    } catch (Throwable failure) {
      throw new UnsupportedOperationException("StructuredTaskScope is unavailable: " + failure
          + " (a preview API: does the JVM run with --enable-preview?)", failure);
    }
  }

  /**
   * Opens a scope, forks {@code children} subtasks (a virtual thread each) of {@code child},
   * joins them, and closes the scope, on the calling thread.
   *
   * @throws Throwable what the scope throws, e.g. a child's failure
   */
  static void forkJoin(int children, Callable<Object> child) throws Throwable {
    Object scope = OPEN.invokeExact();
    try {
      for (int i = 0; i < children; i++) {
        Object subtask = FORK.invokeExact(scope, child);
        if (subtask == null) {
          throw new IllegalStateException("fork returned null");
        }
      }
      Object joined = JOIN.invokeExact(scope);
      if (THROW_IF_FAILED != null) {
        THROW_IF_FAILED.invokeExact(joined);
      }
    } finally {
      CLOSE.invokeExact(scope);
    }
  }
}
