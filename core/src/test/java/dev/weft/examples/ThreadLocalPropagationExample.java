package dev.weft.examples;

import dev.weft.AsyncRuntime;
import dev.weft.ThreadLocalPropagation;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.slf4j.MDC;

/** docs/structured-concurrency.md's MDC example: a request id that follows its work. */
public final class ThreadLocalPropagationExample {

  private ThreadLocalPropagationExample() {}

  /** At start-up, once: the MDC (and OpenTelemetry's context) travel with every hop. */
  static void atStartUp() {
    ContextRegistry.getInstance()
        .registerThreadLocalAccessor(new Slf4jThreadLocalAccessor())         // SLF4J's MDC
        .registerThreadLocalAccessor(new OpenTelemetryContextAccessor());    // the current span
    ThreadLocalPropagation.enable();
  }

  /** Where a request begins: the id is in the MDC of every log line its work writes, on any thread. */
  static String handle(AsyncRuntime runtime, String requestId) {
    MDC.put("requestId", requestId);
    try {
      return runtime.blocking().call(() -> "worker saw " + MDC.get("requestId"))      // a pool thread
          .map(fromWorker -> fromWorker + ", loop saw " + MDC.get("requestId"))       // a loop
          .join();
    } finally {
      MDC.remove("requestId");
    }
  }
}
