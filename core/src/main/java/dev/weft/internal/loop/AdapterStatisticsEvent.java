package dev.weft.internal.loop;

import dev.weft.blocking.AdapterStats;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event: one per adapter of each open runtime (a JDBC bridge shows whole), emitted with each
 * {@link RuntimeStatisticsEvent}, so at its period (every second by default); enable both.
 */
@Name("dev.weft.AdapterStatistics")
@Label("Adapter Statistics")
@Category("Weft")
@Description("A Weft blocking adapter's (or JDBC bridge's) calls: counters since start, percentiles over the "
    + "last minute")
@StackTrace(false)
final class AdapterStatisticsEvent extends jdk.jfr.Event {
  @Label("Runtime")
  String runtime;

  @Label("Adapter")
  String adapter;

  @Label("Kind")
  String kind;

  @Label("Submitted")
  long submitted;

  @Label("Completed")
  long completed;

  @Label("Failed")
  long failed;

  @Label("Rejected")
  long rejected;

  @Label("Timed Out")
  long timedOut;

  @Label("Active")
  int active;

  @Label("Queued")
  int queued;

  @Label("Queue Wait P99")
  @Description("Over the last minute")
  @Timespan(Timespan.NANOSECONDS)
  long queueWaitP99;

  @Label("Run Time P99")
  @Description("Over the last minute")
  @Timespan(Timespan.NANOSECONDS)
  long runTimeP99;

  static void emit(String runtime, AdapterStats stats) {
    AdapterStatisticsEvent event = new AdapterStatisticsEvent();
    if (!event.isEnabled()) {
      return;
    }
    event.runtime = runtime;
    event.adapter = stats.name();
    event.kind = stats.kind();
    event.submitted = stats.submitted();
    event.completed = stats.completed();
    event.failed = stats.failed();
    event.rejected = stats.rejected();
    event.timedOut = stats.timedOut();
    event.active = stats.active();
    event.queued = stats.queued();
    event.queueWaitP99 = stats.queueWaitP99().toNanos();
    event.runTimeP99 = stats.runTimeP99().toNanos();
    event.commit();
  }
}
