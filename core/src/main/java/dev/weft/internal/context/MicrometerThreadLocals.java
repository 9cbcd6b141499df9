package dev.weft.internal.context;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

/**
 * Thread-locals through Micrometer's context-propagation: every {@code ThreadLocalAccessor} of the
 * factory's {@code ContextRegistry}. Loaded only when a user turns propagation on, so Weft runs
 * without the library on the class path.
 */
public final class MicrometerThreadLocals implements ThreadLocalCarrier {
  private final ContextSnapshotFactory factory;

  /**
   * A carrier over {@code factory}.
   *
   * @param factory captures and restores the registered thread-locals
   */
  public MicrometerThreadLocals(ContextSnapshotFactory factory) {
    this.factory = factory;
  }

  /**
   * The default: the global registry, and {@code clearMissing}, so a value absent where work was
   * registered is absent while it runs (never the leftover of an earlier task on that thread).
   *
   * @return a carrier
   */
  public static MicrometerThreadLocals overGlobalRegistry() {
    return new MicrometerThreadLocals(ContextSnapshotFactory.builder().clearMissing(true).build());
  }

  @Override
  public Object capture() {
    return factory.captureAll();
  }

  @Override
  public Object restore(Object snapshot) {
    return ((ContextSnapshot) snapshot).setThreadLocals();
  }

  @Override
  public void undo(Object token) {
    ((ContextSnapshot.Scope) token).close();
  }
}
