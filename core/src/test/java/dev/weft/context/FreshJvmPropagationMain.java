package dev.weft.context;

import dev.weft.AsyncRuntime;
import dev.weft.ThreadLocalPropagation;
import dev.weft.future.Future;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * Run by {@link ThreadLocalPropagationFreshJvmTest} in a JVM of its own, where no Weft context was
 * ever made current: prints what a loop task and a blocking call saw of the caller's MDC.
 */
public final class FreshJvmPropagationMain {
  private FreshJvmPropagationMain() {}

  /**
   * Enables propagation, sets an MDC value, hops, prints what each hop saw.
   *
   * @param args none
   * @throws Exception if a hop fails
   */
  public static void main(String[] args) throws Exception {
    ContextRegistry registry = new ContextRegistry().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
    ThreadLocalPropagation.enable(ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build());
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("fresh").loops(1).build()) {
      MDC.put("requestId", "r-fresh");
      Future<String> onLoop = runtime.nextLoop().schedule(Duration.ZERO, () -> MDC.get("requestId"));
      Future<String> onWorker = runtime.blocking().call(() -> MDC.get("requestId"));
      System.out.println("loop=" + onLoop.join(Duration.ofSeconds(10)));
      System.out.println("worker=" + onWorker.join(Duration.ofSeconds(10)));
    }
  }
}
