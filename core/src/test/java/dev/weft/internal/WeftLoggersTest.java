package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/** Weft's warnings never vanish: without an SLF4J provider they go to java.util.logging. */
class WeftLoggersTest {

  @Test
  void withAProviderWeftUsesSlf4jsOwnLoggers() {
    Logger logger = WeftLoggers.get("dev.weft.test.with-provider");

    assertThat(logger).as("logger with logback on the class path")
        .isSameAs(LoggerFactory.getLogger("dev.weft.test.with-provider"));
  }

  @Test
  void withoutAProviderWarningsGoToJavaUtilLoggingFormattedWithTheirFailure() {
    Logger logger = WeftLoggers.choose(new NOPLoggerFactory(), "dev.weft.test.no-provider");
    java.util.logging.Logger target = java.util.logging.Logger.getLogger("dev.weft.test.no-provider");
    List<LogRecord> records = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    target.addHandler(handler);
    try {
      IllegalStateException failure = new IllegalStateException("boom");
      logger.warn("pool '{}' is saturated ({}/{} running)", "db", 8, 8);
      logger.error("unhandled failure in {}", "a callback", failure);
      logger.debug("not at the default level");

      assertThat(records).as("java.util.logging records").hasSize(2);
      assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.WARNING);
      assertThat(records.get(0).getMessage()).isEqualTo("pool 'db' is saturated (8/8 running)");
      assertThat(records.get(1).getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
      assertThat(records.get(1).getMessage()).isEqualTo("unhandled failure in a callback");
      assertThat(records.get(1).getThrown()).isSameAs(failure);
      assertThat(records.get(1).getLoggerName()).isEqualTo("dev.weft.test.no-provider");
    } finally {
      target.removeHandler(handler);
    }
  }

  @Test
  void aBlockedLoopIsReportedOnStderrInAJvmWithoutAnySlf4jProvider() throws Exception {
    String classPath = Stream.of(WeftLoggers.class, io.netty.channel.Channel.class,
            io.netty.util.concurrent.EventExecutor.class, io.netty.buffer.ByteBuf.class,
            io.netty.resolver.AddressResolver.class, org.jctools.queues.MpmcArrayQueue.class, Logger.class,
            org.HdrHistogram.Histogram.class, BlockALoopWithoutLogging.class)
        .map(WeftLoggersTest::location).distinct().collect(Collectors.joining(java.io.File.pathSeparator));
    assertThat(classPath).as("the child's class path").doesNotContain("logback");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, BlockALoopWithoutLogging.class.getName()).redirectErrorStream(true).start();
    String output;
    try (InputStream out = child.getInputStream()) {
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      out.transferTo(read);
      output = read.toString(StandardCharsets.UTF_8);
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();

    assertThat(child.exitValue()).as("exit code of the child; its output:%n%s", output).isZero();
    assertThat(output).as("what the child printed, with no SLF4J provider")
        .contains("dev.weft.watchdog")
        .contains("is blocked")
        .contains(BlockALoopWithoutLogging.class.getName());
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

}
