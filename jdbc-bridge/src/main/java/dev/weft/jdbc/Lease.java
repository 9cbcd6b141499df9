package dev.weft.jdbc;

import dev.weft.RejectedException;
import dev.weft.internal.limit.AdaptiveGate;
import dev.weft.internal.limit.Outcome;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/*
 * Overview: one request for a connection permit, and the permit once granted. State, by CAS:
 *
 *   IDLE --acquire--> WAITING --granted--> LEASED --release--> RELEASED
 *                     WAITING --abandonIfWaiting / refused--> ABANDONED
 *
 * A grant and an abandon can race (the gate grants on a releasing thread while a cancel runs on
 * another): whoever moves WAITING first wins. A grant that loses gives the permit straight back;
 * an abandon that wins withdraws the lease from the gate's queue (if the gate had already taken it
 * out to grant it, the losing grant gives the permit back). So each permit is returned exactly
 * once, and `onLeased` runs at most once.
 */

/** A request for one of the bridge's connection permits. */
final class Lease {
  private static final int IDLE = 0;
  private static final int WAITING = 1;
  private static final int LEASED = 2;
  private static final int RELEASED = 3;
  private static final int ABANDONED = 4;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Lease.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ConnectionGate gate;
  private final Runnable onLeased; // quick, non-blocking, never throws; may run on any thread
  private final Consumer<RejectedException> onRefused; // the gate refused it (saturated or closed), at once or while it waited
  private volatile int state = IDLE; // see Overview
  private long requestedAt; // nanoTime of acquire(); written before the gate publishes the lease
  volatile AdaptiveGate.Permit adaptivePermit; // the adaptive limit's, set by the gate before it grants; else null

  Lease(ConnectionGate gate, Runnable onLeased, Consumer<RejectedException> onRefused) {
    this.gate = gate;
    this.onLeased = onLeased;
    this.onRefused = onRefused;
  }

  /**
   * Asks for a permit: {@code onLeased} runs now, on this thread, if one is free; else later, on
   * the thread that releases one. If the gate is saturated or closed, {@code onRefused} runs now,
   * on this thread: a refusal reaches the caller as its future's failure, never as a throw.
   */
  void acquire() {
    requestedAt = System.nanoTime();
    state = WAITING;
    boolean now;
    try {
      now = gate.acquire(this);
    } catch (RejectedException rejected) {
      state = ABANDONED;
      onRefused.accept(rejected);
      return;
    }
    if (now) {
      granted();
    }
  }

  /** Called by the gate (or {@link #acquire}) when the permit is this lease's. */
  void granted() {
    if (STATE.compareAndSet(this, WAITING, LEASED)) {
      gate.metrics.connectionWait.record(System.nanoTime() - requestedAt);
      onLeased.run();
    } else {
      gate.release(this, Outcome.IGNORED); // abandoned meanwhile
    }
  }

  /** Called by the gate when it closes while this lease waits. */
  void refused(RejectedException rejected) {
    if (STATE.compareAndSet(this, WAITING, ABANDONED)) {
      onRefused.accept(rejected);
    }
  }

  /**
   * Gives up a request that still waits.
   *
   * @return true if it was waiting (no permit will come); false if it holds one, or never asked
   */
  boolean abandonIfWaiting() {
    if (STATE.compareAndSet(this, WAITING, ABANDONED)) {
      gate.withdraw(this);
      return true;
    }
    return false;
  }

  /** Returns the permit, if held; idempotent. Its hold time is no sample of the adaptive limit. */
  void release() {
    release(Outcome.IGNORED);
  }

  /** Returns the permit, if held, telling the adaptive limit, if any, how its holder ended; idempotent. */
  void release(Outcome outcome) {
    if (STATE.compareAndSet(this, LEASED, RELEASED)) {
      gate.release(this, outcome);
    }
  }

  boolean isRequested() {
    return state != IDLE;
  }
}
