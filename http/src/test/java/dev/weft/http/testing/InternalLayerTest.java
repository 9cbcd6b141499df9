package dev.weft.http.testing;

import dev.weft.testing.InternalLayerRule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** weft-http builds on core's named internal layer only (types marked {@code @ForWeftModules}). */
class InternalLayerTest {
  @Test
  void theHttpModuleUsesOnlyCoresInternalLayer() {
    InternalLayerRule.assertOnlyTheInternalLayerIsUsed(Path.of("src/main/java"));
  }
}
