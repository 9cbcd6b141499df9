package dev.weft.http.server;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testing.WeftRuntimeExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of the request path with Jazzer (libFuzzer for the JVM): every input must
 * keep the invariants of {@link InvariantCheckingServer}. Jazzer instruments Weft's and Netty's HTTP
 * classes (see {@code jazzer.instrument} in the module's POM) and steers its mutations by the
 * branches they reach. The build runs it in a Surefire execution of its own ({@code fuzz}: Jazzer's
 * agent and bug detectors stay out of the other tests' JVM, and a finding, which ends the JVM, cannot
 * cut their run short), in fuzzing mode for {@code maxDuration}; {@code -Dweft.fuzz.skip} skips it.
 * Inputs it finds
 * interesting are kept under {@code target/.cifuzz-corpus}, and a failing one is written to
 * {@code target/crash-*} and replayed from {@code src/test/resources/.../RequestCoverageFuzzTestInputs}
 * once copied there (the seeds are replayed first on every run).
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = "1") // only in the module's own "fuzz" Surefire run
class RequestCoverageFuzzTest {
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("jazzer");

  private static InvariantCheckingServer server;
  private static boolean warmedUp; // fuzzing runs its inputs on one thread

  @BeforeAll
  static void start() {
    server = new InvariantCheckingServer(weft.runtime());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @FuzzTest(maxDuration = "20s")
  void everyRequestKeepsTheInvariants(byte[] input) throws Exception {
    int port = server.port();
    // Jazzer's SSRF detector refuses every connection by default: allow the server under test only
    SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections((host, connectPort) -> connectPort == port
        && (host.equals("127.0.0.1") || host.equals("localhost")));
    try {
      if (!warmedUp) {
        server.warmUp(RequestFuzzTest.CORPUS); // classes are instrumented as they load: slow first requests
        warmedUp = true;
      }
      server.check(input, "input " + InvariantCheckingServer.escape(input));
    } finally {
      loopbackOnly.close();
    }
  }
}
