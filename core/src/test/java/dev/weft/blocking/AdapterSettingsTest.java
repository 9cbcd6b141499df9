package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** build() checks every setting and names the bad one, its value and the allowed range. */
class AdapterSettingsTest {
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-settings").loops(1).shutdownGracePeriod(Duration.ofSeconds(1)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void maxThreadsMustBeBetween1And10000() {
    assertThatThrownBy(() -> Adapters.boundedPool("p").maxThreads(0).build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bounded-pool 'p': maxThreads must be between 1 and 10000 (was 0)");
    assertThatThrownBy(() -> Adapters.boundedPool("p").maxThreads(10_001).build(runtime))
        .hasMessageContaining("(was 10001)");
  }

  @Test
  void maxQueueMustBeBetween0And1000000() {
    assertThatThrownBy(() -> Adapters.boundedPool("p").maxQueue(-1).build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bounded-pool 'p': maxQueue must be between 0 and 1000000 (was -1)");
  }

  @Test
  void keepAliveMustBeBetween1MillisecondAnd1Hour() {
    assertThatThrownBy(() -> Adapters.boundedPool("p").keepAlive(Duration.ZERO).build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bounded-pool 'p': keepAlive must be between PT0.001S and PT1H (was PT0S)");
  }

  @Test
  void spinBeforeParkMustBeBetween0And10Milliseconds() {
    assertThatThrownBy(() -> Adapters.boundedPool("p").spinBeforePark(Duration.ofMillis(11)).build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bounded-pool 'p': spinBeforePark must be between PT0S and PT0.01S (was PT0.011S)");
  }

  @Test
  void prestartThreadsMustBeBetween0AndMaxThreads() {
    assertThatThrownBy(() -> Adapters.boundedPool("p").maxThreads(8).prestartThreads(9).build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bounded-pool 'p': prestartThreads must be between 0 and 8 (maxThreads) (was 9)");
    assertThatThrownBy(() -> Adapters.boundedPool("p").prestartThreads(-1).build(runtime))
        .hasMessageContaining("prestartThreads").hasMessageContaining("(was -1)");
  }

  @Test
  void aNullDurationIsNamed() {
    assertThatThrownBy(() -> Adapters.boundedPool("p").keepAlive(null).build(runtime))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAlive").hasMessageContaining("(was null)");
  }

  @Test
  void namesAreLettersDigitsAndAFewMarks() {
    assertThatThrownBy(() -> Adapters.boundedPool("my pool").build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("adapter name must be 1 to 64 letters, digits, '-', '_' or '.' (was 'my pool')");
  }

  @Test
  void virtualThreadSettingsAreCheckedOnEveryJvm() {
    assertThatThrownBy(() -> Adapters.virtualThreads("v").maxConcurrency(0).build(runtime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("virtual-threads 'v': maxConcurrency must be between 1 and 1000000 (was 0)");
  }
}
