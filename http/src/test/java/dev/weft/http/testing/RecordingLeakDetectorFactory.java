package dev.weft.http.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Netty leak-detector factory whose detectors record every leak they find, so that a test can
 * fail on it instead of a log line nobody reads. It must be installed before Netty creates its
 * buffer classes' detectors (which happens when those classes initialize): {@link NettyLeakCheck}
 * installs it from its static initializer, and checks that it was in time.
 */
final class RecordingLeakDetectorFactory extends ResourceLeakDetectorFactory {
  private static final RecordingLeakDetectorFactory INSTANCE = new RecordingLeakDetectorFactory();
  private static volatile boolean installed;

  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final Set<String> detectedTypes = ConcurrentHashMap.newKeySet();

  private RecordingLeakDetectorFactory() {}

  static synchronized RecordingLeakDetectorFactory install() {
    if (!installed) {
      ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(INSTANCE);
      installed = true;
    }
    return INSTANCE;
  }

  @Override
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
    detectedTypes.add(resource.getName());
    return new RecordingDetector<>(resource, samplingInterval);
  }

  /** Netty's abstract (and deprecated) variant; {@code maxActive} is ignored by Netty itself. */
  @Deprecated
  @Override
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
    return newResourceLeakDetector(resource, samplingInterval);
  }

  /** Whether a detector was made for {@code type}: false means Netty made its own before we were installed. */
  boolean watches(Class<?> type) {
    return detectedTypes.contains(type.getName());
  }

  /** The leaks recorded since the last call, which forgets them. */
  List<String> takeLeaks() {
    List<String> taken = List.copyOf(leaks);
    leaks.removeAll(taken);
    return taken;
  }

  private final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true; // report even if the logging backend has Netty's ERROR level switched off
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      leaks.add("LEAK: " + resourceType + " was garbage-collected without release()" + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      leaks.add("LEAK: " + resourceType + " was garbage-collected without release() (no access records)");
    }
  }
}
