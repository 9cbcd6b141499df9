package dev.weft.internal.blocking;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: an adapter refused a call because it was saturated or closed. */
@Name("dev.weft.RejectedCall")
@Label("Rejected Blocking Call")
@Category("Weft")
@Description("A blocking adapter was saturated (or closed) and refused a call")
final class RejectedCallEvent extends jdk.jfr.Event {
  @Label("Adapter")
  String adapter;

  @Label("Running")
  int running;

  @Label("Queued")
  int queued;
}
