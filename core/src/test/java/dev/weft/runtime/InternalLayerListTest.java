package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.ForWeftModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The internal layer's documentation lists every type marked for Weft's other modules. */
class InternalLayerListTest {
  private static final Path INTERNAL = Path.of("src/main/java/dev/weft/internal");

  @Test
  void everyMarkedTypeIsListedInThePackageOverview() throws IOException {
    String overview = Files.readString(INTERNAL.resolve("package-info.java"));
    List<String> marked;
    try (Stream<Path> files = Files.walk(INTERNAL)) {
      marked = files.filter(file -> file.toString().endsWith(".java"))
          .filter(file -> !file.getFileName().toString().equals("ForWeftModules.java"))
          .filter(InternalLayerListTest::isMarked)
          .map(file -> INTERNAL.relativize(file).toString().replace(".java", "").replace('/', '.'))
          .toList();
    }
    assertThat(marked).as("types marked @%s", ForWeftModules.class.getSimpleName()).isNotEmpty()
        .allSatisfy(type -> assertThat(overview).as("dev.weft.internal's package-info").contains(type));
  }

  private static boolean isMarked(Path file) {
    try {
      return Files.readString(file).contains("\n@ForWeftModules\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
