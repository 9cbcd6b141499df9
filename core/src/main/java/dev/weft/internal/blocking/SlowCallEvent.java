package dev.weft.internal.blocking;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event: a blocking call ran past its adapter's slow-call threshold. */
@Name("dev.weft.SlowCall")
@Label("Slow Blocking Call")
@Category("Weft")
@Description("A blocking call has been running longer than its adapter's slowCallThreshold")
@StackTrace(false)
final class SlowCallEvent extends jdk.jfr.Event {
  @Label("Adapter")
  String adapter;

  @Label("Thread")
  String thread;

  @Label("Running For")
  @Timespan(Timespan.MILLISECONDS)
  long runningMillis;

  @Label("Stack")
  String stack;
}
