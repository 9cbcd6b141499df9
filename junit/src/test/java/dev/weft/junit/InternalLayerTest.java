package dev.weft.junit;

import dev.weft.testing.InternalLayerRule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** weft-junit builds on core's named internal layer only (in fact on the public API alone). */
class InternalLayerTest {
  @Test
  void theJunitModuleUsesOnlyCoresInternalLayer() {
    InternalLayerRule.assertOnlyTheInternalLayerIsUsed(Path.of("src/main/java"));
  }
}
