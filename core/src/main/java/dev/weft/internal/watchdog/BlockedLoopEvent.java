package dev.weft.internal.watchdog;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event for a blocked-loop incident; enabled by default in every recording. */
@Name("dev.weft.BlockedLoop")
@Label("Blocked Loop")
@Category("Weft")
@Description("A Weft loop ran one task (or a run of tasks) past the blocked threshold; committed when the block "
    + "ends, with its whole duration")
@StackTrace(false)
final class BlockedLoopEvent extends jdk.jfr.Event {
  @Label("Loop")
  String loop;

  @Label("Blocked For")
  @Timespan(Timespan.MILLISECONDS)
  long blockedMillis;

  @Label("Loop Stack")
  @Description("The loop thread's stack while the watchdog saw it blocked, or empty if it recovered first")
  String loopStack;
}
