package dev.weft.internal.context;

/**
 * Captures thread-local values on the thread that registers work, and sets them around the work
 * on the thread that runs it. One implementation today: Micrometer's context-propagation
 * ({@link MicrometerThreadLocals}); the interface keeps that optional library out of every class
 * that loads without it.
 */
public interface ThreadLocalCarrier {

  /**
   * The calling thread's values, taken now.
   *
   * @return a snapshot, never null
   */
  Object capture();

  /**
   * Sets {@code snapshot}'s values on the calling thread (and clears the others it knows of).
   *
   * @param snapshot what {@link #capture} returned, on any thread
   * @return what {@link #undo} needs to put the thread's own values back
   */
  Object restore(Object snapshot);

  /**
   * Puts back the values {@link #restore} replaced, on the thread that called it.
   *
   * @param token what {@code restore} returned
   */
  void undo(Object token);
}
