package dev.weft.benchmarks.adaptive;

import java.util.concurrent.Semaphore;

/**
 * A legacy backend with a real capacity: at most {@code capacity} calls are served at once, each
 * for a fixed service time; more wait (fairly) for a slot. So its latency is flat up to the
 * capacity and grows with the queue beyond it. The service is a sleep: it costs no CPU, so the
 * figures do not depend on how busy the shared machine's CPUs are (only on its timer accuracy).
 */
final class SimulatedBackend {
  private final ResizableSemaphore slots;
  private final long serviceMillis;
  private volatile int capacity;

  SimulatedBackend(int capacity, long serviceMillis) {
    this.slots = new ResizableSemaphore(capacity);
    this.capacity = capacity;
    this.serviceMillis = serviceMillis;
  }

  /** One blocking call. */
  String call() throws InterruptedException {
    slots.acquire();
    try {
      Thread.sleep(serviceMillis);
      return "ok";
    } finally {
      slots.release();
    }
  }

  /** Changes the capacity; calls beyond a lowered one finish, and no new one starts until below it. */
  synchronized void capacity(int newCapacity) {
    int delta = newCapacity - capacity;
    if (delta > 0) {
      slots.release(delta);
    } else if (delta < 0) {
      slots.shrink(-delta);
    }
    capacity = newCapacity;
  }

  int capacity() {
    return capacity;
  }

  /** A fair semaphore whose permits can be taken away. */
  private static final class ResizableSemaphore extends Semaphore {
    private static final long serialVersionUID = 1L;

    ResizableSemaphore(int permits) {
      super(permits, true);
    }

    void shrink(int by) {
      reducePermits(by);
    }
  }
}
