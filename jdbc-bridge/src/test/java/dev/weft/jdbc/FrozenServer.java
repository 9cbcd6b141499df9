package dev.weft.jdbc;

import dev.weft.testing.Polling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Freezes the test's own PostgreSQL server with SIGSTOP (the postmaster and every process under
 * it), as a hung host or a long GC pause would, and thaws it with SIGCONT. Use in
 * try-with-resources, so the server is always thawed.
 */
final class FrozenServer implements AutoCloseable {
  private final List<Long> pids;

  private FrozenServer(List<Long> pids) {
    this.pids = pids;
  }

  /** SIGSTOPs the postmaster {@code postmasterPid} and its descendants. */
  static FrozenServer freeze(long postmasterPid) throws IOException {
    ProcessHandle postmaster = ProcessHandle.of(postmasterPid).orElseThrow(() -> new IllegalStateException(
        "no process " + postmasterPid + ": is WEFT_PG_PID the pid of this checkout's running server?"));
    List<Long> pids = new ArrayList<>();
    pids.add(postmaster.pid());
    postmaster.descendants().forEach(process -> pids.add(process.pid()));
    FrozenServer frozen = new FrozenServer(pids);
    try {
      signal("STOP", pids);
      Polling.await("the postmaster " + postmasterPid + " stopped by SIGSTOP", Duration.ofSeconds(10),
          () -> isStopped(postmasterPid));
    } catch (IOException | RuntimeException failure) {
      frozen.close();
      throw failure;
    }
    return frozen;
  }

  /** SIGCONTs every process it stopped. */
  @Override
  public void close() throws IOException {
    signal("CONT", pids);
  }

  /** Whether the process is stopped: state {@code T} in /proc/[pid]/stat. */
  private static boolean isStopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code signal} to each process still alive (a backend may exit meanwhile: kill(1) then
   * fails for it, not for the others); waits for kill(1) even if interrupted (a server left
   * stopped would hang the later tests).
   */
  private static void signal(String signal, List<Long> pids) throws IOException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    Process kill = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    boolean interrupted = false;
    boolean exited = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!exited && System.nanoTime() < deadline) {
      try {
        exited = kill.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (!exited) {
      kill.destroyForcibly();
      throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within 10 s");
    }
  }
}
