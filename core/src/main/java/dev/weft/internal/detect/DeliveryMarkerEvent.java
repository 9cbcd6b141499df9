package dev.weft.internal.detect;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A marker a detector commits and waits to receive back through its stream: once it arrives, every
 * event committed before it has been delivered. Off unless a detector's stream enables it.
 */
@Name("dev.weft.BlockingCallDetectorMarker")
@Label("Blocking Call Detector Marker")
@Category("Weft")
@Enabled(false)
@StackTrace(false)
final class DeliveryMarkerEvent extends jdk.jfr.Event {
  @Label("Detector")
  long detector;

  @Label("Token")
  long token;
}
