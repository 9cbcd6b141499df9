package dev.weft.internal.detect;

import dev.weft.blocking.BlockingCallDetection;
import dev.weft.internal.Throwables;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.loop.LoopThread;
import dev.weft.metrics.BlockingCallSite.Kind;
import dev.weft.metrics.BlockingCallSite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.slf4j.Logger;

/*
 * Overview: one in-process JFR stream per runtime (RecordingStream), with the eight blocking-call
 * events enabled at the detector's threshold and with stacks. Its thread (JFR's, started by
 * startAsync) is the only writer of the call-site records; it keeps an event only if
 *   1. it ran on one of this runtime's loop threads (by Java thread id, fixed at start: the loops'
 *      threads start eagerly and never change),
 *   2. it lasted at least the threshold (another recording in the JVM may have lowered JFR's
 *      effective threshold: the settings of all recordings are merged),
 *   3. it began before the detector was told to stop (draining loops are not the user's code),
 *   4. it is not the loop's own machinery (LoopOwnWaits: decided by the stack, not by duration),
 *   4a. it has a stack: JFR records none where it cannot walk the thread's Java frames, which a
 *      user's call always has (seen once in a loaded test run: a MONITOR_ENTER of 0.3 ms on an
 *      idle loop). Such an event has no call site to move or allow; it is logged at DEBUG,
 *      so the report's promise - a site to act on - holds,
 *   5. no frame of its stack is allowed by the user.
 * The first event of a call site (kind + first frame outside the JDK) creates its record and is
 * reported: a WARN with the stack, a dev.weft.BlockingCall JFR event (committed by a short-lived
 * thread of its own: JFR drops events committed on its stream thread). Later ones only count.
 * At most MAX_SITES records; later new sites are counted in `droppedSites` and logged once.
 *
 * Delivery: JFR hands events to the stream about once a second. awaitDelivered() commits a
 * DeliveryMarkerEvent with a fresh token and waits until the stream thread sees it. A blocking
 * call's event is committed before the call returns, so an event of a call that ended before the
 * marker was committed is in the same flush as the marker or an earlier one, and the ordered
 * stream dispatches it first: when the marker arrives, the records include it. The marker's
 * waiters are released through the event committer, so the JFR events of the sites reported
 * before it have been committed too.
 *
 * States: RUNNING -> STOPPING (stop(): stopAt set, a final marker committed) -> CLOSED (the final
 * marker arrived, or 3 s passed; a short-lived daemon thread closes the stream and completes
 * `closed`). stop() never blocks, so a runtime may be closed from one of its own loops.
 */

/** Reports blocking calls made on a runtime's loop threads, from JFR events streamed in-process. */
public final class BlockingCallDetector {
  private static final Logger LOG = WeftLoggers.get(BlockingCallDetection.LOGGER_NAME);
  private static final AtomicLong IDS = new AtomicLong();
  private static final int MAX_SITES = 1000;
  private static final long FINAL_DELIVERY_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final long id = IDS.incrementAndGet();
  private final String runtimeName;
  private final Map<Long, String> loopThreads; // java thread id -> loop name
  private final BlockingCallDetection settings;
  private final long thresholdNanos;
  private final AllowList allowList;
  private final ConcurrentHashMap<String, CallSiteRecord> sitesByKey = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<CallSiteRecord> sitesInOrder = new CopyOnWriteArrayList<>();
  private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> markers = new ConcurrentSkipListMap<>();
  private final AtomicLong nextToken = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final RecordingStream stream;
  /** Commits the dev.weft.BlockingCall events; at most one thread, gone when idle; at most MAX_SITES tasks. */
  private final ThreadPoolExecutor eventCommitter;
  private volatile Instant stopAt; // null while running; events that begin later are ignored
  private long droppedSites; // stream thread only

  private BlockingCallDetector(String runtimeName, Map<Long, String> loopThreads, BlockingCallDetection settings) {
    this.runtimeName = runtimeName;
    this.loopThreads = Map.copyOf(loopThreads);
    this.settings = settings;
    this.thresholdNanos = settings.threshold().toNanos();
    this.allowList = new AllowList(settings.allowed());
    this.stream = new RecordingStream();
    this.eventCommitter = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_SITES), task -> {
      Thread thread = new Thread(task, runtimeName + "-blocking-call-events");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts a detector for the loops whose threads are given.
   *
   * @param runtimeName the runtime's name, for messages
   * @param loopThreads the loops' Java thread ids and names
   * @param settings the checked settings
   * @return the running detector, or {@code null} if JFR cannot stream here (the reason is logged)
   */
  public static BlockingCallDetector start(String runtimeName, Map<Long, String> loopThreads,
      BlockingCallDetection settings) {
    BlockingCallDetector detector;
    try {
      detector = new BlockingCallDetector(runtimeName, loopThreads, settings);
    } catch (RuntimeException | LinkageError noJfr) {
      LOG.warn("runtime '{}': blocking-call detection is off: this JVM cannot stream JFR events ({}); run on a JDK "
          + "with the jdk.jfr module and without -XX:-FlightRecorder", runtimeName, noJfr.toString());
      return null;
    }
    detector.startStream();
    return detector;
  }

  private void startStream() {
    Duration threshold = settings.threshold();
    for (Kind kind : Kind.values()) {
      stream.enable(kind.jfrEventName()).withThreshold(threshold).withStackTrace();
      stream.onEvent(kind.jfrEventName(), event -> onBlockingEvent(kind, event));
    }
    stream.enable(DeliveryMarkerEvent.class).withoutThreshold();
    stream.onEvent(DeliveryMarkerEvent.class.getAnnotation(jdk.jfr.Name.class).value(), this::onMarker);
    // bound what the stream keeps on disk; it reads each chunk within about a second
    stream.setMaxAge(Duration.ofMinutes(1));
    stream.setMaxSize(16L * 1024 * 1024);
    stream.onClose(() -> closed.complete(null));
    stream.startAsync();
    LOG.debug("runtime '{}': detecting blocking calls on {} loops ({})", runtimeName, loopThreads.size(), settings);
  }

  private void onBlockingEvent(Kind kind, RecordedEvent event) {
    try {
      RecordedThread thread = event.getThread();
      String loop = thread == null ? null : loopThreads.get(thread.getJavaThreadId());
      if (loop == null || event.getDuration().toNanos() < thresholdNanos) {
        return;
      }
      Instant stop = stopAt;
      if (stop != null && event.getStartTime().isAfter(stop)) {
        return;
      }
      List<Frame> frames = frames(event.getStackTrace());
      if (frames.isEmpty()) {
        // Nothing to move or allow: see Overview, 4a.
        LOG.debug("runtime '{}': a {} event on loop {} without a stack, not reported: {}", runtimeName, kind, loop, event);
        return;
      }
      if (LoopOwnWaits.isOwn(kind, frames) || allowList.allows(frames)) {
        return;
      }
      record(kind, loop, frames, event);
    } catch (RuntimeException unexpected) {
      LOG.error("runtime '{}': the blocking-call detector failed on a {} event", runtimeName, kind, unexpected);
    }
  }

  private void record(Kind kind, String loop, List<Frame> frames, RecordedEvent event) {
    Frame caller = Frame.firstOutsideJdk(frames);
    String callSite = caller != null ? caller.toString() : frames.get(0).toString(); // frames not empty: 4a
    String key = kind + " " + callSite;
    long nanos = event.getDuration().toNanos();
    CallSiteRecord site = sitesByKey.get(key);
    if (site == null) {
      if (sitesByKey.size() >= MAX_SITES) {
        if (droppedSites++ == 0) {
          LOG.warn("runtime '{}': more than {} call sites blocked loops; further new call sites are not reported. "
              + "Fix or allow the ones reported.", runtimeName, MAX_SITES);
        }
        return;
      }
      List<String> stack = new ArrayList<>(frames.size());
      frames.forEach(frame -> stack.add(frame.toString()));
      site = new CallSiteRecord(kind, callSite, stack, loop, event.getStartTime());
      sitesByKey.put(key, site);
      sitesInOrder.add(site);
      report(kind, loop, callSite, caller, stack, nanos);
    }
    site.add(nanos, event.getStartTime());
  }

  private void report(Kind kind, String loop, String callSite, Frame caller, List<String> stack, long nanos) {
    StringBuilder trace = new StringBuilder();
    stack.forEach(frame -> trace.append(System.lineSeparator()).append("\tat ").append(frame));
    LOG.warn("blocking call on loop {} of runtime '{}': {} for {} (threshold {}) at {}. A loop must not block: move "
        + "the call to a blocking adapter (runtime.blocking().call(...)), or if it is acceptable, allow it with "
        + "BlockingCallDetection.allow(\"{}\"). Reported once per call site; the stack:{}", loop, runtimeName, kind,
        Throwables.formatNanos(nanos), Throwables.formatNanos(thresholdNanos), callSite,
        caller != null ? caller.type() + "." + caller.method() : "the.Class.method", trace);
    String callStack = trace.toString();
    try {
      // JFR drops events committed on its own stream thread: commit from another one
      eventCommitter.execute(() -> {
        BlockingCallEvent jfr = new BlockingCallEvent();
        if (jfr.shouldCommit()) {
          jfr.runtime = runtimeName;
          jfr.loop = loop;
          jfr.kind = kind.name();
          jfr.callSite = callSite;
          jfr.blockedMicros = TimeUnit.NANOSECONDS.toMicros(nanos);
          jfr.callStack = callStack;
          jfr.commit();
        }
      });
    } catch (RejectedExecutionException stopped) {
      LOG.debug("runtime '{}': no JFR event for the call site {}: the detector has stopped", runtimeName, callSite);
    }
  }

  private static List<Frame> frames(RecordedStackTrace stackTrace) {
    if (stackTrace == null) {
      return List.of();
    }
    List<RecordedFrame> recorded = stackTrace.getFrames();
    List<Frame> frames = new ArrayList<>(recorded.size());
    for (RecordedFrame frame : recorded) {
      if (frame.isJavaFrame() && frame.getMethod() != null) {
        frames.add(new Frame(frame.getMethod().getType().getName(), frame.getMethod().getName(), frame.getLineNumber()));
      }
    }
    return frames;
  }

  private void onMarker(RecordedEvent event) {
    if (event.getLong("detector") != id) {
      return; // another runtime's marker
    }
    long token = event.getLong("token");
    try {
      // through the committer, after the JFR events of the sites reported before the marker
      eventCommitter.execute(() -> completeMarkersUpTo(token));
    } catch (RejectedExecutionException stopped) {
      completeMarkersUpTo(token);
    }
  }

  private void completeMarkersUpTo(long token) {
    Map<Long, CompletableFuture<Void>> arrived = markers.headMap(token, true);
    arrived.values().forEach(marker -> marker.complete(null));
    arrived.clear();
  }

  private CompletableFuture<Void> commitMarker() {
    long token = nextToken.incrementAndGet();
    CompletableFuture<Void> arrived = new CompletableFuture<>();
    markers.put(token, arrived);
    DeliveryMarkerEvent marker = new DeliveryMarkerEvent();
    marker.detector = id;
    marker.token = token;
    marker.commit();
    return arrived;
  }

  /**
   * Waits until every blocking call that ended before this call was received; after
   * {@link #stop()}, until the detector has closed.
   *
   * @param timeout the longest wait
   * @throws TimeoutException if it takes longer
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException on a loop thread
   */
  public void awaitDelivered(Duration timeout) throws TimeoutException, InterruptedException {
    if (LoopThread.currentLoop() != null) {
      throw new IllegalStateException("awaiting blocking-call reports would block loop " + Thread.currentThread().getName()
          + ": call it from a test or another thread that is not a loop");
    }
    // after stop, closing is the last delivery: a marker committed as the stream closes never arrives
    CompletableFuture<?> done = stopping.get() ? closed : CompletableFuture.anyOf(commitMarker(), closed);
    try {
      done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible.getCause());
    } catch (TimeoutException late) {
      throw new TimeoutException("JFR did not deliver the blocking-call events of runtime '" + runtimeName + "' within "
          + Throwables.format(timeout) + " (it flushes about once a second); the JVM may be overloaded");
    }
  }

  /**
   * The call sites seen so far, in the order they were first seen.
   *
   * @return a snapshot
   */
  public List<BlockingCallSite> sites() {
    List<BlockingCallSite> sites = new ArrayList<>(sitesInOrder.size());
    sitesInOrder.forEach(site -> sites.add(site.snapshot()));
    return sites;
  }

  /**
   * Stops detecting: events that begin from now on are ignored; those already recorded are still
   * delivered (bounded: 3 s), then the stream closes. Returns at once; idempotent.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    stopAt = Instant.now();
    CompletableFuture<Void> lastDelivery = commitMarker();
    Thread closer = new Thread(() -> {
      try {
        lastDelivery.get(FINAL_DELIVERY_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException notDelivered) {
        LOG.debug("runtime '{}': the blocking-call detector closes without its last delivery", runtimeName, notDelivered);
      } finally {
        stream.close();
        eventCommitter.shutdown(); // the events queued so far are still committed
        closed.complete(null);
        markers.values().forEach(marker -> marker.complete(null)); // their waiters also wait for `closed`
        markers.clear();
      }
    }, runtimeName + "-blocking-calls-stop");
    closer.setDaemon(true);
    closer.start();
  }

  /**
   * Waits for the stream to close after {@link #stop()}.
   *
   * @param nanos the longest wait
   * @return {@code true} if it has closed
   */
  public boolean awaitStop(long nanos) {
    try {
      closed.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }
}
