package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Thread-locals travel even in a JVM where no Weft context was ever made current. The shared test
 * JVM cannot show it: earlier tests have set contexts there, and the runtime skips context work
 * until one is. So this runs {@link FreshJvmPropagationMain} in a JVM of its own (same class path).
 */
class ThreadLocalPropagationFreshJvmTest {

  @Test
  void anMdcValueCrossesHopsWhereNoWeftContextWasEverSet() throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        FreshJvmPropagationMain.class.getName()))
        .redirectErrorStream(true)
        .start();
    boolean ended = child.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      child.destroyForcibly();
    }
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended).as("the child JVM ended within 60 s; its output: %s", output).isTrue();
    assertThat(child.exitValue()).as("exit code; output: %s", output).isZero();
    assertThat(output).as("what the hops saw").contains("loop=r-fresh", "worker=r-fresh");
  }
}
