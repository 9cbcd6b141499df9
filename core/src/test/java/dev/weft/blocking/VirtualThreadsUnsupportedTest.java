package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** On a JVM older than 21, the virtual-thread adapter fails clearly at build(). */
@EnabledForJreRange(max = JRE.JAVA_20)
class VirtualThreadsUnsupportedTest {

  @Test
  void virtualThreadsAreNotSupported() {
    assertThat(Adapters.virtualThreadsSupported()).as("virtualThreadsSupported() before Java 21").isFalse();
  }

  @Test
  void buildingFailsNamingTheJvmVersion() {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("bt-vt17").loops(1)
        .shutdownGracePeriod(Duration.ofSeconds(1)).build()) {
      assertThatThrownBy(() -> Adapters.virtualThreads("vt").build(runtime))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("virtual threads need Java 21 or later")
          .hasMessageContaining("this JVM is Java " + Runtime.version().feature())
          .hasMessageContaining("Use a bounded pool");
      assertThatThrownBy(() -> runtime.adapter("vt")).as("the failed adapter is not registered")
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aRuntimeWithAVirtualThreadBulkheadFailsToBuild() {
    assertThatThrownBy(() -> AsyncRuntime.builder().name("bt-vt17-bulkhead").loops(1)
        .bulkhead(Adapters.virtualThreads("vt")).build())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("this JVM is Java " + Runtime.version().feature());
  }
}
