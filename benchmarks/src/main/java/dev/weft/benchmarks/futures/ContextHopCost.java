package dev.weft.benchmarks.futures;

import dev.weft.Context;
import dev.weft.ContextKey;
import dev.weft.ThreadLocalPropagation;
import dev.weft.internal.context.ContextStorage;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.MDC;

/**
 * What one hop's context handling costs — the capture when work is registered, the attach and
 * restore around it — with thread-local propagation off (the default) and on (the MDC, one entry).
 *
 * <p>{@code previousCode} is the capture/attach/restore as it was before thread-local propagation
 * (a {@link FastThreadLocal} read, a compare, a write), kept here as the baseline of the same run:
 * read {@code weftHop} with {@code propagation=off} as a ratio to it. {@code propagation=mdc}
 * shows what enabling costs per hop (a snapshot and a scope). Not in the scripted profiles (its
 * class name does not end in Benchmark): run it with {@code java -jar benchmarks.jar ContextHopCost}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextHopCost {
  private static final ContextKey<String> REQUEST = ContextKey.of("request", String.class);
  private static final FastThreadLocal<Context> PREVIOUS_CODE = new FastThreadLocal<>();

  /** off: the default; mdc: propagation on, with one MDC entry to carry. */
  @Param({"off", "mdc"})
  public String propagation;

  private Context previousOuter;

  @Setup(Level.Trial)
  public void setUp() {
    if (propagation.equals("mdc")) {
      ThreadLocalPropagation.enable(ContextSnapshotFactory.builder()
          .contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor()))
          .clearMissing(true).build());
      MDC.put("requestId", "r-1");
    }
    Context current = Context.root().with(REQUEST, "r-1"); // work registered inside a request
    previousOuter = ContextStorage.attach(current);
    PREVIOUS_CODE.set(current);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ContextStorage.restore(previousOuter);
    ThreadLocalPropagation.disable();
    MDC.clear();
  }

  /** Weft's hop: capture, then attach and restore around the (empty) work. */
  @Benchmark
  public Context weftHop() {
    Context captured = ContextStorage.capture();
    Context previous = ContextStorage.attach(captured);
    ContextStorage.restore(previous);
    return captured;
  }

  /** The same hop as the code did it before thread-local propagation existed. */
  @Benchmark
  public Context previousCode() {
    Context current = PREVIOUS_CODE.getIfExists();
    Context captured = current == Context.root() ? null : current;
    Context previous = PREVIOUS_CODE.getIfExists();
    if (previous != captured) {
      PREVIOUS_CODE.set(captured);
    }
    if (PREVIOUS_CODE.getIfExists() != previous) {
      PREVIOUS_CODE.set(previous);
    }
    return captured;
  }
}
