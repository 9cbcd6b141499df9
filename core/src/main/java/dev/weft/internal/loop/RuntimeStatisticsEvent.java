package dev.weft.internal.loop;

import dev.weft.blocking.AdapterStats;
import dev.weft.internal.WeftLoggers;
import dev.weft.metrics.LoopMetrics;
import dev.weft.metrics.RuntimeMetrics;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR periodic event: one per open runtime, every second by default, with the runtime's main
 * figures; {@link AdapterStatisticsEvent} beside it, one per adapter. JFR asks for them only while
 * a recording enables them (the default and profile settings do not list Weft's events, which are
 * enabled by default), so a JVM without a recording pays nothing.
 */
@Name("dev.weft.RuntimeStatistics")
@Label("Runtime Statistics")
@Category("Weft")
@Description("A Weft runtime's loops, adapters and unhandled failures: counters since start, percentiles over "
    + "the last minute")
@Period("1 s")
@StackTrace(false)
final class RuntimeStatisticsEvent extends jdk.jfr.Event {
  private static final Object REGISTRATION = new Object();
  private static boolean registered; // guarded by REGISTRATION

  @Label("Runtime")
  String runtime;

  @Label("Loops")
  int loops;

  @Label("Tasks Run")
  @Description("Tasks the loops have run since start, all loops")
  long tasksRun;

  @Label("Loop Lag P99")
  @Description("99th percentile of the watchdog pings' delay over the last minute, the worst loop's")
  @Timespan(Timespan.NANOSECONDS)
  long lagP99;

  @Label("Loop Lag Max")
  @Description("The longest ping delay of the last minute, all loops")
  @Timespan(Timespan.NANOSECONDS)
  long lagMax;

  @Label("Blocked Incidents")
  @Description("Times a loop stayed busy past the blocked threshold, since start, all loops")
  long blockedIncidents;

  @Label("Unhandled Failures")
  @Description("Failures handed to the unhandled-failure handler since start")
  long unhandledFailures;

  @Label("Adapter Calls")
  @Description("Calls accepted by the adapters since start, all adapters")
  long adapterCalls;

  @Label("Adapter Rejections")
  @Description("Calls refused by the adapters since start, all adapters")
  long adapterRejected;

  @Label("Adapter Calls Active")
  @Description("Calls running now, all adapters")
  int adapterActive;

  @Label("Adapter Calls Queued")
  @Description("Calls waiting now, all adapters")
  int adapterQueued;

  /** Registers the periodic hook, once per JVM; a JVM without JFR only loses the events. */
  static void registerOnce() {
    synchronized (REGISTRATION) {
      if (registered) {
        return;
      }
      registered = true;
    }
    try {
      FlightRecorder.addPeriodicEvent(RuntimeStatisticsEvent.class, RuntimeStatisticsEvent::emitAll);
      FlightRecorder.register(AdapterStatisticsEvent.class); // emitted by the runtime's hook, at its period
    } catch (RuntimeException | Error unavailable) {
      WeftLoggers.get(RuntimeStatisticsEvent.class).debug("JFR periodic events unavailable: {}", unavailable.toString());
    }
  }

  /** On JFR's periodic thread. */
  private static void emitAll() {
    for (DefaultAsyncRuntime runtime : DefaultAsyncRuntime.openRuntimes()) {
      emit(runtime.metrics());
    }
  }

  private static void emit(RuntimeMetrics metrics) {
    RuntimeStatisticsEvent event = new RuntimeStatisticsEvent();
    event.runtime = metrics.runtimeName();
    event.loops = metrics.loops().size();
    for (LoopMetrics loop : metrics.loops()) {
      event.tasksRun += loop.tasksRun();
      event.lagP99 = Math.max(event.lagP99, loop.lagP99().toNanos());
      event.lagMax = Math.max(event.lagMax, loop.lagMax().toNanos());
      event.blockedIncidents += loop.blockedIncidents();
    }
    event.unhandledFailures = metrics.unhandledFailures();
    for (AdapterStats adapter : metrics.adapters()) {
      event.adapterCalls += adapter.submitted();
      event.adapterRejected += adapter.rejected();
      event.adapterActive += adapter.active();
      event.adapterQueued += adapter.queued();
      AdapterStatisticsEvent.emit(metrics.runtimeName(), adapter);
    }
    event.commit();
  }
}
