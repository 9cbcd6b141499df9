package dev.weft.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server that plays a script per connection, for what no well-behaved server does: malformed
 * responses, closing mid-body, never answering. Connection {@code n} (from 0) runs {@code script}
 * with {@code n}; each on its own daemon thread. {@link #close()} closes the listener and every socket.
 */
public final class ScriptedServer implements AutoCloseable {
  /** What to do with one accepted connection. */
  public interface Script {
    void play(Socket socket, int connectionIndex) throws Exception;
  }

  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  public final AtomicInteger accepted = new AtomicInteger();

  public ScriptedServer(Script script) throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket socket = listener.accept();
          sockets.add(socket);
          int index = accepted.getAndIncrement();
          Thread player = new Thread(() -> {
            try {
              script.play(socket, index);
            } catch (Exception ignored) {
              // the client went away, or the test closed us
            }
          }, "scripted-server-" + index);
          player.setDaemon(true);
          player.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "scripted-server-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + path);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Reads one request head (up to the blank line); null if the connection closed first. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  public static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
