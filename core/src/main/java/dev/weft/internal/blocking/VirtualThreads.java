package dev.weft.internal.blocking;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads, reached at run time so that Weft builds for Java 17: {@code
 * Thread.ofVirtual().name(prefix, 0).factory()} through method handles.
 */
public final class VirtualThreads {
  private static final MethodHandle OF_VIRTUAL;
  private static final MethodHandle NAME;
  private static final MethodHandle FACTORY;

  static {
    MethodHandle ofVirtual = null;
    MethodHandle name = null;
    MethodHandle factory = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
      ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualType));
      name = lookup.findVirtual(ofVirtualType, "name", MethodType.methodType(ofVirtualType, String.class, long.class));
      factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
    } catch (ReflectiveOperationException | RuntimeException olderJvm) {
      ofVirtual = null;
    }
    OF_VIRTUAL = ofVirtual;
    NAME = name;
    FACTORY = factory;
  }

  private VirtualThreads() {}

  /**
   * Whether this JVM has virtual threads (Java 21+).
   *
   * @return true on Java 21 and later
   */
  public static boolean supported() {
    // Java 19 and 20 have the methods as a preview API, which throws unless preview is enabled.
    return OF_VIRTUAL != null && Runtime.version().feature() >= 21;
  }

  /**
   * A factory of virtual threads named {@code prefix0}, {@code prefix1}, ...
   *
   * @param prefix the name prefix
   * @return the factory
   * @throws UnsupportedOperationException on a JVM without virtual threads
   */
  public static ThreadFactory factory(String prefix) {
    if (!supported()) {
      throw new UnsupportedOperationException("virtual threads need Java 21 or later; this JVM is Java "
          + Runtime.version().feature() + " (" + System.getProperty("java.vm.name") + " "
          + System.getProperty("java.version") + "). Use a bounded pool (Adapters.boundedPool) instead");
    }
    try {
      Object builder = OF_VIRTUAL.invoke();
      builder = NAME.invoke(builder, prefix, 0L);
      return (ThreadFactory) FACTORY.invoke(builder);
    } catch (Throwable unexpected) {
      throw new IllegalStateException("could not create a virtual thread factory", unexpected);
    }
  }
}
