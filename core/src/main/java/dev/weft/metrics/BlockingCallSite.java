package dev.weft.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One call site that blocked a loop, as the blocking-call detector saw it
 * ({@link dev.weft.blocking.BlockingCallDetection}).
 *
 * @param kind what kind of blocking call it was
 * @param callSite the first frame of the stack outside the JDK ({@code com.acme.Dao.find(line 42)}),
 *     or the top frame if every frame is the JDK's
 * @param stack the stack of the first call seen, top frame first, as JFR recorded it (at most 64 frames)
 * @param loop the loop thread of the first call seen
 * @param count how many calls at this site blocked a loop past the threshold
 * @param blockedTime how long those calls blocked loops, summed
 * @param longest the longest of those calls
 * @param firstSeen when the first of those calls began
 * @param lastSeen when the last of those calls began
 */
public record BlockingCallSite(Kind kind, String callSite, List<String> stack, String loop, long count,
    Duration blockedTime, Duration longest, Instant firstSeen, Instant lastSeen) {

  /**
   * Copies the stack, so a snapshot never changes.
   *
   * @param kind the kind
   * @param callSite the call site
   * @param stack the stack, top frame first
   * @param loop the loop of the first call
   * @param count the number of calls
   * @param blockedTime their summed duration
   * @param longest the longest
   * @param firstSeen when the first began
   * @param lastSeen when the last began
   */
  public BlockingCallSite {
    stack = List.copyOf(stack);
  }

  /**
   * Calls per second at this site, from the first call seen to {@code now} (at least one second).
   *
   * @param now the end of the period, usually {@code Instant.now()}
   * @return the average rate
   */
  public double ratePerSecond(Instant now) {
    double seconds = Math.max(1.0, Duration.between(firstSeen, now).toNanos() / 1e9);
    return count / seconds;
  }

  /** The kinds of blocking call the detector sees, each from one JFR event. */
  public enum Kind {
    /** A socket read that waited, through {@code java.net.Socket} or a blocking channel ({@code jdk.SocketRead}). */
    SOCKET_READ("jdk.SocketRead"),
    /** A socket write that waited ({@code jdk.SocketWrite}). */
    SOCKET_WRITE("jdk.SocketWrite"),
    /** A file read, {@code FileInputStream}, {@code RandomAccessFile} or a {@code FileChannel} ({@code jdk.FileRead}). */
    FILE_READ("jdk.FileRead"),
    /** A file write ({@code jdk.FileWrite}). */
    FILE_WRITE("jdk.FileWrite"),
    /** {@code Thread.sleep} ({@code jdk.ThreadSleep}). */
    SLEEP("jdk.ThreadSleep"),
    /** Waiting to enter a {@code synchronized} block another thread holds ({@code jdk.JavaMonitorEnter}). */
    MONITOR_ENTER("jdk.JavaMonitorEnter"),
    /** {@code Object.wait} ({@code jdk.JavaMonitorWait}). */
    MONITOR_WAIT("jdk.JavaMonitorWait"),
    /**
     * {@code LockSupport.park}: every {@code java.util.concurrent} wait, such as
     * {@code CountDownLatch.await}, {@code Future.get} or a contended {@code ReentrantLock}
     * ({@code jdk.ThreadPark}).
     */
    PARK("jdk.ThreadPark");

    private final String jfrEventName;

    Kind(String jfrEventName) {
      this.jfrEventName = jfrEventName;
    }

    /**
     * The JFR event the detector learns these calls from.
     *
     * @return the event's name, e.g. {@code jdk.ThreadSleep}
     */
    public String jfrEventName() {
      return jfrEventName;
    }
  }
}
