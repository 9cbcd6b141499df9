package dev.weft.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.ForWeftModules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rule that keeps Weft's modules on core's named internal layer: a module other than core may
 * refer to a type under {@code dev.weft.internal} only if that type is marked
 * {@link ForWeftModules}. Checked on the module's sources (imports and qualified names alike).
 */
public final class InternalLayerRule {
  private static final Pattern INTERNAL_NAME = Pattern.compile("(?<![\\w.])dev\\.weft\\.internal\\.[\\w.]+");

  private InternalLayerRule() {}

  /**
   * Fails the test, listing every offending reference, if a source file under {@code sourceRoot}
   * names an internal type of core that is not part of the layer.
   *
   * @param sourceRoot a module's {@code src/main/java}
   */
  public static void assertOnlyTheInternalLayerIsUsed(Path sourceRoot) {
    assertThat(sourceRoot).as("the module's sources").isDirectory();
    List<String> violations = new ArrayList<>();
    TreeSet<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : (Iterable<Path>) files.filter(path -> path.toString().endsWith(".java"))::iterator) {
        Matcher names = INTERNAL_NAME.matcher(Files.readString(file));
        while (names.find()) {
          Class<?> type = typeNamedBy(names.group());
          if (type == null) {
            violations.add(sourceRoot.relativize(file) + ": " + names.group() + " names no class of core");
          } else if (!type.isAnnotationPresent(ForWeftModules.class)) {
            violations.add(sourceRoot.relativize(file) + ": " + type.getName() + " is not @ForWeftModules");
          } else {
            used.add(type.getName());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(violations)
        .as("references to core's internals outside its @ForWeftModules layer (mark the type and list it in "
            + "dev.weft.internal's package-info, or use public API); layer types used: %s", used)
        .isEmpty();
  }

  /** The class a dotted name refers to: the name itself, or a prefix of it (static imports, members). */
  private static Class<?> typeNamedBy(String dottedName) {
    String name = dottedName.endsWith(".") ? dottedName.substring(0, dottedName.length() - 1) : dottedName;
    while (name.length() > "dev.weft.internal".length()) {
      try {
        return Class.forName(name, false, InternalLayerRule.class.getClassLoader());
      } catch (ClassNotFoundException notAClass) {
        name = name.substring(0, name.lastIndexOf('.'));
      }
    }
    return null;
  }
}
