package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ThreadLocalPropagation;
import dev.weft.testing.WeftRuntimeExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThreadLocalPropagationExampleTest {
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("tl-example");

  @AfterEach
  void disable() {
    ThreadLocalPropagation.disable();
  }

  @Test
  void theRequestIdFollowsTheWork() {
    ThreadLocalPropagationExample.atStartUp();
    assertThat(ThreadLocalPropagation.isEnabled()).isTrue();
    assertThat(ThreadLocalPropagationExample.handle(weft.runtime(), "req-42"))
        .isEqualTo("worker saw req-42, loop saw req-42");
  }
}
