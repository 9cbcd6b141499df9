package dev.weft.benchmarks.http;

/** The one argument every scenario server takes. */
final class ScenarioPort {
  private ScenarioPort() {}

  /**
   * The port from the command line.
   *
   * @param args {@code <port>}
   * @return the port, 1 to 65 535
   * @throws IllegalArgumentException if it is missing or out of range
   */
  static int parse(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: <main class> <port> (was " + args.length + " arguments)");
    }
    int port = Integer.parseInt(args[0]);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 1 and 65535 (was " + port + ")");
    }
    return port;
  }
}
