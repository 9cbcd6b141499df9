package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/** The periodic JFR events carry the runtime's and its adapters' figures, read back from a recording stream. */
class RuntimeStatisticsEventTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void aRecordingReceivesTheRuntimesAndItsAdaptersFiguresPeriodically() throws Exception {
    String name = RuntimeTestSupport.uniqueName("jfr-stats");
    BlockingQueue<RecordedEvent> runtimeEvents = new ArrayBlockingQueue<>(1000);
    BlockingQueue<RecordedEvent> adapterEvents = new ArrayBlockingQueue<>(1000);
    try (AsyncRuntime runtime = AsyncRuntime.builder().name(name).loops(2)
            .bulkhead(Adapters.boundedPool("dao").maxThreads(2).maxQueue(4))
            .unhandledFailureHandler((description, failure) -> { })
            .build();
         RecordingStream stream = new RecordingStream()) {
      for (int i = 0; i < 3; i++) {
        runtime.adapter("dao").call(() -> "row").join(TIMEOUT);
      }
      runtime.reportUnhandled("expected by the test", new IllegalStateException("expected by the test"));
      stream.enable("dev.weft.RuntimeStatistics").withPeriod(Duration.ofMillis(100));
      stream.enable("dev.weft.AdapterStatistics");
      stream.onEvent("dev.weft.RuntimeStatistics", event -> {
        if (name.equals(event.getString("runtime"))) {
          runtimeEvents.offer(event);
        }
      });
      stream.onEvent("dev.weft.AdapterStatistics", event -> {
        if (name.equals(event.getString("runtime")) && "dao".equals(event.getString("adapter"))) {
          adapterEvents.offer(event);
        }
      });
      stream.startAsync();

      RecordedEvent first = runtimeEvents.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      RecordedEvent second = runtimeEvents.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      RecordedEvent dao = adapterEvents.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(first).as("a RuntimeStatistics event for %s", name).isNotNull();
      assertThat(second).as("a second one: the event is periodic").isNotNull();
      assertThat(first.getInt("loops")).as("loops").isEqualTo(2);
      assertThat(first.getLong("unhandledFailures")).as("unhandled failures").isEqualTo(1);
      assertThat(first.getLong("adapterCalls")).as("calls of all adapters").isEqualTo(3);
      assertThat(first.getLong("tasksRun")).as("tasks run").isPositive();
      assertThat(dao).as("an AdapterStatistics event for 'dao'").isNotNull();
      assertThat(dao.getLong("completed")).as("completed calls of 'dao'").isEqualTo(3);
      assertThat(dao.getString("kind")).as("kind").isEqualTo("bounded-pool");
    }
  }

  /** The JDK's own settings do not list Weft's events; they are on by default all the same, every second. */
  @Test
  void aRecordingWithTheJdksDefaultSettingsHasTheEvents() throws Exception {
    String name = RuntimeTestSupport.uniqueName("jfr-default");
    BlockingQueue<RecordedEvent> runtimeEvents = new ArrayBlockingQueue<>(1000);
    try (AsyncRuntime runtime = AsyncRuntime.builder().name(name).loops(1).build();
         RecordingStream stream = new RecordingStream(Configuration.getConfiguration("default"))) {
      stream.onEvent("dev.weft.RuntimeStatistics", event -> {
        if (name.equals(event.getString("runtime"))) {
          runtimeEvents.offer(event);
        }
      });
      stream.startAsync();

      RecordedEvent event = runtimeEvents.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(event).as("a RuntimeStatistics event under the JDK's default settings").isNotNull();
      assertThat(event.getInt("loops")).as("loops").isEqualTo(runtime.loops().size());
    }
  }
}
