package dev.weft.jdbc.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JdbcReadmeExampleTest {

  @Test
  void readmeExamplePrintsTheNamesItInserted() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JdbcReadmeExample.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String[] lines = captured.toString(StandardCharsets.UTF_8).trim().split("\\R");
    // the last line: a loaded machine can make the watchdog log a slow loop to the console first
    assertThat(lines[lines.length - 1]).isEqualTo("ada and grace");
  }
}
