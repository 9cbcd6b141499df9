package dev.weft.internal.detect;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event for a call site first seen blocking a loop; one per call site and runtime. */
@Name("dev.weft.BlockingCall")
@Label("Blocking Call On A Loop")
@Category("Weft")
@Description("A call site blocked a Weft loop thread past the detector's threshold; emitted once per call site")
@StackTrace(false)
final class BlockingCallEvent extends jdk.jfr.Event {
  @Label("Runtime")
  String runtime;

  @Label("Loop")
  String loop;

  @Label("Kind")
  @Description("The kind of blocking call, after the JDK event it was seen in: SLEEP, PARK, SOCKET_READ, ...")
  String kind;

  @Label("Call Site")
  String callSite;

  @Label("Blocked For")
  @Timespan(Timespan.MICROSECONDS)
  long blockedMicros;

  @Label("Call Stack")
  String callStack;
}
