package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The build's promises to a user who depends on Weft: the BOM names every published module at the
 * project's version, every published jar has an Automatic-Module-Name, and `mvn verify` builds
 * sources and javadoc jars for them (the benchmarks, not published, are skipped).
 */
class ReleaseShapeTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT_ID = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
  private static final List<String> UNPUBLISHED = List.of("bom", "benchmarks");

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  private static List<String> publishedModules() throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher module = MODULE.matcher(read("pom.xml"));
    while (module.find()) {
      if (!UNPUBLISHED.contains(module.group(1))) {
        modules.add(module.group(1));
      }
    }
    return modules;
  }

  private static String version(String pom) {
    Matcher version = Pattern.compile("<artifactId>weft-(?:parent|bom)</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(pom);
    assertThat(version.find()).as("a version in %s", pom.substring(0, Math.min(200, pom.length()))).isTrue();
    return version.group(1);
  }

  @Test
  void theBomNamesEveryPublishedModuleAtTheProjectsVersion() throws IOException {
    String bom = read("bom/pom.xml");
    assertThat(version(bom)).as("the BOM's version").isEqualTo(version(read("pom.xml")));
    assertThat(bom).as("the BOM has no parent, so importing it imports only Weft's versions").doesNotContain("<parent>");
    assertThat(publishedModules()).as("published modules").contains("core", "http", "jdbc-bridge", "junit");
    for (String module : publishedModules()) {
      Matcher artifactId = ARTIFACT_ID.matcher(read(module + "/pom.xml"));
      assertThat(artifactId.find()).as("%s's artifactId", module).isTrue();
      assertThat(bom).as("the BOM").contains("<artifactId>" + artifactId.group(1) + "</artifactId>");
    }
  }

  @Test
  void everyPublishedJarHasAnAutomaticModuleName() throws IOException {
    for (String module : publishedModules()) {
      assertThat(read(module + "/pom.xml")).as("%s/pom.xml", module).containsPattern("<Automatic-Module-Name>dev\\.weft\\.[a-z.]+</Automatic-Module-Name>");
    }
  }

  @Test
  void verifyBuildsSourcesAndJavadocJarsExceptForTheBenchmarks() throws IOException {
    String root = read("pom.xml");
    assertThat(root).as("the root pom's build").contains("<id>attach-sources</id>").contains("<id>attach-javadocs</id>");
    assertThat(read("benchmarks/pom.xml")).as("the benchmarks' pom")
        .contains("<maven.source.skip>true</maven.source.skip>").contains("<maven.javadoc.skip>true</maven.javadoc.skip>");
  }
}
