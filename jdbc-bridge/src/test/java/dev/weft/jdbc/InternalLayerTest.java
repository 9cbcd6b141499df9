package dev.weft.jdbc;

import dev.weft.testing.InternalLayerRule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bridge builds on core's named internal layer only (types marked {@code @ForWeftModules}). */
class InternalLayerTest {
  @Test
  void theBridgeUsesOnlyCoresInternalLayer() {
    InternalLayerRule.assertOnlyTheInternalLayerIsUsed(Path.of("src/main/java"));
  }
}
