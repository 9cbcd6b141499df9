package dev.weft.internal.limit;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event: an adaptive limit changed. */
@Name("dev.weft.LimitChanged")
@Label("Adaptive Limit Changed")
@Category("Weft")
@Description("An adaptive concurrency limit (of a blocking adapter, an HTTP server's admission or a JDBC bridge) moved")
@StackTrace(false)
final class LimitChangedEvent extends jdk.jfr.Event {
  @Label("Gated")
  @Description("What the limit gates: the adapter's, server's or bridge's name")
  String name;

  @Label("From")
  int from;

  @Label("To")
  int to;

  @Label("Ceiling")
  int ceiling;

  @Label("No-Load Latency")
  @Timespan(Timespan.NANOSECONDS)
  long noLoadLatency;

  @Label("Latency")
  @Description("The mean latency of the last window's successful calls")
  @Timespan(Timespan.NANOSECONDS)
  long latency;

  @Label("Reason")
  String reason;
}
