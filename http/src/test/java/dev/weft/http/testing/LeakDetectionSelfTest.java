package dev.weft.http.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that the leak check the other test classes rely on actually catches a leak. */
class LeakDetectionSelfTest {

  @Test
  void aBufferDroppedWithoutReleaseIsRecordedAsALeak() {
    leakOneBuffer();

    List<String> leaks = new ArrayList<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (leaks.isEmpty() && System.nanoTime() < deadline) {
      leaks.addAll(NettyLeakCheck.flushLeaks()); // taking them here keeps this class itself from failing
    }

    assertThat(leaks).as("leaks recorded after the buffer was collected")
        .anySatisfy(leak -> assertThat(leak).contains("LEAK").contains("leakOneBuffer"));
  }

  private static void leakOneBuffer() {
    ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(64);
    leaked.writeLong(42); // the access is recorded, so the report names this method
  }
}
