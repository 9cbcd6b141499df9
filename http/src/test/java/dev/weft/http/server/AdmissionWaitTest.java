package dev.weft.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.http.testing.RawHttpClient;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking route whose bulkhead is full waits, for {@code admissionWait}, for room before it
 * answers {@code 503}: a burst that outruns its bulkhead for a moment is served, a bulkhead that
 * stays full still refuses, and the wait ends with the request (timeout, close) without leaving a
 * call behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionWaitTest {
  private static final String GET = "GET /narrow HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final AtomicInteger handled = new AtomicInteger();
  private final List<RawHttpClient> connections = new ArrayList<>();
  private AsyncRuntime runtime;
  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    for (RawHttpClient connection : connections) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  /** A server with one blocking route on a bulkhead of one thread and no queue. */
  private BlockingAdapter start(UnaryOperator<HttpServerBuilder> settings) {
    runtime = AsyncRuntime.builder().name("admission").loops(1)
        .bulkhead(Adapters.boundedPool("narrow").maxThreads(1).maxQueue(0)).build();
    HttpServerBuilder builder = HttpServer.builder(runtime)
        .routeBlocking("GET", "/narrow", "narrow", request -> {
          handled.incrementAndGet();
          entered.countDown();
          holdUntilReleased();
          return Response.text("done");
        });
    server = settings.apply(builder).start("127.0.0.1", 0).join();
    return runtime.adapter("narrow");
  }

  /**
   * Holds the bulkhead's thread until the test releases it, whatever interrupts it: a request
   * timeout cancels the holder's own call too, and a thread freed by that would let the waiter in.
   */
  private void holdUntilReleased() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (release.getCount() > 0 && System.nanoTime() - deadline < 0) {
      try {
        release.await(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException cancelled) {
        // keep the thread: the test decides when the bulkhead has room
      }
    }
  }

  private RawHttpClient connect() throws Exception {
    RawHttpClient connection = new RawHttpClient(server.port());
    connections.add(connection);
    return connection;
  }

  /** Sends the request that takes the bulkhead's only thread, and waits until its handler runs. */
  private RawHttpClient holdTheThread() throws Exception {
    RawHttpClient holder = connect().send(GET);
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("the first request holds the only thread").isTrue();
    return holder;
  }

  @Test
  void aRequestThatFindsTheBulkheadFullIsServedWhenRoomComesWithinTheWait() throws Exception {
    BlockingAdapter bulkhead = start(builder -> builder.admissionWait(Duration.ofSeconds(30)));
    RawHttpClient holder = holdTheThread();

    RawHttpClient waiter = connect().send(GET);
    Polling.await("the waiting request refused, then tried again", WAIT, () -> bulkhead.stats().rejected() >= 2,
        bulkhead::stats);
    release.countDown();

    assertThat(holder.readResponse().status()).as("the request that held the thread").isEqualTo(200);
    assertThat(waiter.readResponse().status()).as("the request that waited for room").isEqualTo(200);
    assertThat(handled).as("handler calls").hasValue(2);
    assertThat(server.metrics().rejected()).as("requests answered 503").isZero();
  }

  @Test
  void theSlotAServedRequestFreesGoesToTheWaiterBeforeThatClientsNextRequest() throws Exception {
    // One loop, a bulkhead of one thread: "a" holds it, "b" waits. When a's call ends, b is told at
    // once and takes the slot; a's client, which sends its next request as soon as it has its
    // answer, waits behind b instead of taking the slot again (with timers alone, clients being
    // served could take every freed slot, and a waiter go without for its whole wait).
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch secondHolds = new CountDownLatch(1);
    runtime = AsyncRuntime.builder().name("admission-line").loops(1)
        .bulkhead(Adapters.boundedPool("narrow").maxThreads(1).maxQueue(0)).build();
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/narrow", "narrow", request -> {
          String who = request.queryParam("who").orElseThrow();
          order.add(who);
          if (who.equals("a1")) {
            entered.countDown();
            release.await(20, TimeUnit.SECONDS);
          } else if (who.equals("b1")) {
            secondHolds.await(20, TimeUnit.SECONDS); // a2 arrives while b1 runs
          }
          return Response.text(who);
        })
        .admissionWait(Duration.ofSeconds(30))
        .start("127.0.0.1", 0).join();
    BlockingAdapter bulkhead = runtime.adapter("narrow");
    RawHttpClient a = connect().send("GET /narrow?who=a1 HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("a1 holds the only thread").isTrue();
    RawHttpClient b = connect().send("GET /narrow?who=b1 HTTP/1.1\r\nHost: x\r\n\r\n");
    // b1 tried 6 times: its timer now pauses 16 ms, longer than a's client takes to send a2. Free
    // the slot right after one of b1's tries, so that its timer cannot be what gives b1 the slot.
    Polling.await("b1 refused and waiting", WAIT, () -> bulkhead.stats().rejected() >= 6, bulkhead::stats);
    long triesSoFar = bulkhead.stats().rejected();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (bulkhead.stats().rejected() == triesSoFar && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait(); // not Polling: its sleeps would eat into b1's 16 ms pause
    }
    release.countDown();
    assertThat(a.readResponse().body()).isEqualTo("a1");
    Polling.await("b1 running", WAIT, () -> order.contains("b1"), () -> order + " " + bulkhead.stats());
    long triesBeforeA2 = bulkhead.stats().rejected();
    a.send("GET /narrow?who=a2 HTTP/1.1\r\nHost: x\r\n\r\n");
    Polling.await("a2 refused while b1 runs", WAIT, () -> bulkhead.stats().rejected() > triesBeforeA2,
        () -> order + " " + bulkhead.stats());
    secondHolds.countDown();

    assertThat(b.readResponse().body()).isEqualTo("b1");
    assertThat(a.readResponse().body()).isEqualTo("a2");
    assertThat(order).as("order the handlers ran in").containsExactly("a1", "b1", "a2");
  }

  @Test
  void aBulkheadThatStaysFullStillRefusesOnceTheWaitEnds() throws Exception {
    Duration admissionWait = Duration.ofMillis(200);
    BlockingAdapter bulkhead = start(builder -> builder.admissionWait(admissionWait));
    holdTheThread();

    long sent = System.nanoTime();
    RawHttpClient.RawResponse refused = connect().send(GET).readResponse();
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("retry-after")).isEqualTo("1");
    assertThat(waitedMillis).as("ms before the 503").isGreaterThanOrEqualTo(admissionWait.toMillis());
    // tried at 0, 1, 3, 7, 15, 31, then every 16 ms up to 200: about 17 tries, not one per loop turn
    assertThat(bulkhead.stats().rejected()).as("refused tries of one request").isBetween(2L, 20L);
    assertThat(server.metrics().rejected()).as("requests answered 503").isEqualTo(1);
    assertThat(handled).as("handler calls: only the holder's").hasValue(1);
  }

  @Test
  void aRejectedExceptionFromTheHandlerItselfIsItsAnswerNotARefusalToRetry() throws Exception {
    // The handler's own call downstream was refused: the handler ran, so trying again would run it
    // twice. An adapter that runs calls inline returns the failed future before the server looks
    // at it, the case where the two could be confused.
    runtime = AsyncRuntime.builder().name("admission-own").loops(1).build();
    server = HttpServer.builder(runtime)
        .routeBlocking("GET", "/narrow", new InlineAdapter(), request -> {
          handled.incrementAndGet();
          throw new dev.weft.RejectedException("the service behind this one is saturated");
        })
        .admissionWait(Duration.ofSeconds(30))
        .start("127.0.0.1", 0).join();

    assertThat(connect().send(GET).readResponse().status()).isEqualTo(503);
    assertThat(handled).as("handler calls").hasValue(1);
  }

  /** Runs each call on the calling thread and returns its settled future: no thread, no refusal. */
  private static final class InlineAdapter implements BlockingAdapter {
    @Override
    public <T> dev.weft.future.Future<T> call(java.util.concurrent.Callable<T> task) {
      try {
        return dev.weft.future.Future.succeeded(task.call());
      } catch (Exception failure) {
        return dev.weft.future.Future.failed(failure);
      }
    }

    @Override
    public <T> dev.weft.future.Future<T> call(java.util.concurrent.Callable<T> task, Duration timeout) {
      return call(task);
    }

    @Override
    public String name() {
      return "inline";
    }

    @Override
    public dev.weft.blocking.AdapterStats stats() {
      throw new UnsupportedOperationException("not used by this test");
    }

    @Override
    public void close() {}
  }

  @Test
  void aZeroWaitRefusesAtOnce() throws Exception {
    BlockingAdapter bulkhead = start(builder -> builder.admissionWait(Duration.ZERO));
    holdTheThread();

    assertThat(connect().send(GET).readResponse().status()).isEqualTo(503);
    assertThat(bulkhead.stats().rejected()).as("refused tries").isEqualTo(1);
  }

  @Test
  void aClientThatLeavesWhileWaitingLeavesNoCallBehind() throws Exception {
    BlockingAdapter bulkhead = start(builder -> builder.admissionWait(Duration.ofSeconds(30)));
    RawHttpClient holder = holdTheThread();

    RawHttpClient leaving = connect().send(GET);
    Polling.await("the leaving request refused, then tried again", WAIT, () -> bulkhead.stats().rejected() >= 2,
        bulkhead::stats);
    leaving.close();
    Polling.await("the server sees the client leave", WAIT, () -> server.metrics().aborted() >= 1, server::metrics);
    long triesWhenItLeft = bulkhead.stats().rejected();
    release.countDown();
    assertThat(holder.readResponse().status()).isEqualTo(200);

    // the thread is free now: a try still scheduled for the closed connection would run its handler
    Thread.sleep(100); // longer than the longest pause between tries (16 ms)
    assertThat(handled).as("handler calls: the holder's only").hasValue(1);
    assertThat(bulkhead.stats().rejected()).as("refused tries after the client left").isEqualTo(triesWhenItLeft);
  }

  @Test
  void theRequestTimeoutEndsTheWait() throws Exception {
    BlockingAdapter bulkhead = start(builder -> builder.admissionWait(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofMillis(300)));
    holdTheThread();

    RawHttpClient.RawResponse answer = connect().send(GET).readResponse();
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).contains("timed out");
    assertThat(server.metrics().timedOut()).as("timed-out requests").isGreaterThanOrEqualTo(1);
    long triesAtTimeout = bulkhead.stats().rejected();
    Thread.sleep(100);
    assertThat(bulkhead.stats().rejected()).as("refused tries after the timeout").isEqualTo(triesAtTimeout);
    assertThat(handled).as("handler calls: the holder's only").hasValue(1);
  }

  @Test
  void anAdmissionWaitOutOfRangeNamesTheSetting() {
    runtime = AsyncRuntime.builder().name("admission-bad").loops(1).build();
    assertThatThrownBy(() -> HttpServer.builder(runtime).admissionWait(Duration.ofMillis(-1)).start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admissionWait");
    assertThatThrownBy(() -> HttpServer.builder(runtime).admissionWait(Duration.ofMinutes(2)).start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admissionWait");
    assertThatThrownBy(() -> HttpServer.builder(runtime).admissionWait(null).start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admissionWait");
  }
}
