package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.weft.AsyncRuntime;
import dev.weft.AsyncRuntimeBuilder;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The builder's contract: every setting out of range fails at {@code build()} with an
 * IllegalArgumentException whose message names the setting, the value given and the allowed
 * range; the defaults build a working runtime.
 */
class AsyncRuntimeBuilderTest {
  private static final String MIN_WATCHDOG = "between 1ms";
  private static final String MAX_WATCHDOG = "and 60s";
  private static final Duration OVER_A_MINUTE = Duration.ofMinutes(1).plusMillis(1);

  static Stream<Arguments> invalidSettings() {
    String tooLong = "n".repeat(65);
    return Stream.of(
        invalid("name null", b -> b.name(null), "name", "null", "1 to 64"),
        invalid("name empty", b -> b.name(""), "name", "''", "1 to 64"),
        invalid("name with a space and '!'", b -> b.name("bad name!"), "name", "'bad name!'", "letters, digits"),
        invalid("name of 65 characters", b -> b.name(tooLong), "name", tooLong, "1 to 64"),
        invalid("loops 0", b -> b.loops(0), "loops", "was 0", "between 1 and 1024"),
        invalid("loops 1025", b -> b.loops(1025), "loops", "was 1025", "between 1 and 1024"),
        invalid("watchdogInterval null", b -> b.watchdogInterval(null), "watchdogInterval", "was null",
            MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("watchdogInterval zero", b -> b.watchdogInterval(Duration.ZERO), "watchdogInterval",
            "was 0ms", MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("watchdogInterval negative", b -> b.watchdogInterval(Duration.ofMillis(-5)), "watchdogInterval",
            "was -5ms", MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("watchdogInterval over a minute", b -> b.watchdogInterval(OVER_A_MINUTE), "watchdogInterval",
            "was 60001ms", MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("blockedThreshold null", b -> b.blockedThreshold(null), "blockedThreshold", "was null",
            MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("blockedThreshold zero", b -> b.blockedThreshold(Duration.ZERO), "blockedThreshold",
            "was 0ms", MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("blockedThreshold negative", b -> b.blockedThreshold(Duration.ofMillis(-5)), "blockedThreshold",
            "was -5ms", MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("blockedThreshold over a minute", b -> b.blockedThreshold(OVER_A_MINUTE), "blockedThreshold",
            "was 60001ms", MIN_WATCHDOG, MAX_WATCHDOG),
        invalid("watchdogInterval longer than blockedThreshold",
            b -> b.watchdogInterval(Duration.ofMillis(200)).blockedThreshold(Duration.ofMillis(100)),
            "watchdogInterval", "200ms", "<= blockedThreshold"),
        invalid("shutdownGracePeriod negative", b -> b.shutdownGracePeriod(Duration.ofSeconds(-1)),
            "shutdownGracePeriod", "was -1s", "0ms", "3600s"),
        invalid("shutdownGracePeriod null", b -> b.shutdownGracePeriod(null), "shutdownGracePeriod", "was null",
            "0ms", "3600s"));
  }

  private static Arguments invalid(String label, Consumer<AsyncRuntimeBuilder> misconfigure, String... messageParts) {
    return arguments(label, misconfigure, messageParts);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void anInvalidSettingFailsAtBuildNamingSettingValueAndRange(
      String label, Consumer<AsyncRuntimeBuilder> misconfigure, String[] messageParts) {
    AsyncRuntimeBuilder builder = AsyncRuntime.builder().name(RuntimeTestSupport.uniqueName("builder"));
    misconfigure.accept(builder); // setters only record; the check belongs to build()

    assertThatThrownBy(() -> {
      try (AsyncRuntime leaked = builder.build()) {
        assertThat(leaked).as("a runtime built despite %s", label).isNull();
      }
    })
        .as("build() with %s", label)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void theDefaultsBuildARuntimeWithOneLoopPerProcessor() {
    AsyncRuntime runtime = AsyncRuntime.builder().build();
    try {
      assertThat(runtime.name()).as("default name").isEqualTo("weft");
      assertThat(runtime.loops()).as("default loop count").hasSize(Runtime.getRuntime().availableProcessors());
      assertThat(runtime.isShutdown()).as("a fresh runtime is shut down").isFalse();
    } finally {
      runtime.close();
    }
  }

  @Test
  void theLimitsOfEachRangeAreAccepted() {
    AsyncRuntime runtime = AsyncRuntime.builder()
        .name("n".repeat(64))
        .loops(1)
        .watchdogInterval(Duration.ofMillis(1))
        .blockedThreshold(Duration.ofMillis(1))
        .shutdownGracePeriod(Duration.ZERO)
        .build();
    runtime.close();
    AsyncRuntime other = AsyncRuntime.builder()
        .name("a-Z_0.9")
        .watchdogInterval(Duration.ofMinutes(1))
        .blockedThreshold(Duration.ofMinutes(1))
        .shutdownGracePeriod(Duration.ofHours(1))
        .build();
    other.close();
    assertThat(other.isShutdown()).as("the runtime built with the upper limits closed").isTrue();
  }

  @Test
  void aNullAdapterSpecIsRefusedNamingTheSettingAndWhatToPass() {
    assertThatThrownBy(() -> AsyncRuntime.builder().blockingAdapter(null)).isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("blockingAdapter must not be null").hasMessageContaining("Adapters.boundedPool");
    assertThatThrownBy(() -> AsyncRuntime.builder().bulkhead(null)).isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("bulkhead must not be null").hasMessageContaining("Adapters.boundedPool");
  }
}
